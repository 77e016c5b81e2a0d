import request from 'supertest';
import { bearer, signUp, SignedUpUser } from './http';

type Role = 'collaborator' | 'client_admin' | 'client_viewer';

/** Creates a workspace as `owner` through the API. */
export async function createWorkspace(
  gatewayUrl: string,
  owner: SignedUpUser,
  name = 'Engagement',
): Promise<{ id: string; accountId: string }> {
  const res = await request(gatewayUrl).post('/api/v1/workspaces').set(bearer(owner.token)).send({ name });
  if (res.status !== 201) throw new Error(`create workspace failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * `inviter` invites; a user accepts. Returns the accepting user. Each side invites to its
 * own roles: the owner collaborators and the first client admin, a client admin the rest
 * of the client side.
 */
export async function inviteAndJoin(
  gatewayUrl: string,
  inviter: SignedUpUser,
  workspaceId: string,
  role: Role,
  joiner?: SignedUpUser,
): Promise<SignedUpUser> {
  const api = request(gatewayUrl);
  const invitation = await api.post(`/api/v1/workspaces/${workspaceId}/invitations`).set(bearer(inviter.token)).send({ role });
  if (invitation.status !== 201) throw new Error(`invite failed: ${invitation.status} ${JSON.stringify(invitation.body)}`);
  const user = joiner ?? (await signUp(gatewayUrl, `${role} user`));
  const accepted = await api.post(`/api/v1/invitations/${invitation.body.token}/accept`).set(bearer(user.token)).send();
  if (accepted.status !== 201 && accepted.status !== 200)
    throw new Error(`accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return user;
}
