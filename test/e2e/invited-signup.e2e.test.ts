import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  inviteAndJoin,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
} from '@fpms/harness';

/** Clients join through an invitation: a user, no freelancer account, one membership. */
describe('client signup through an invitation', () => {
  let platform: RunningPlatform;
  let api: ReturnType<typeof request>;
  let owner: SignedUpUser;
  let workspaceId: string;
  /** A second workspace whose client admin invites the rest of the client side. */
  let staffed: { workspaceId: string; clientAdmin: SignedUpUser };
  let gatewayDb: DataSource;

  const invite = async (body: object) =>
    (await api.post(`/api/v1/workspaces/${workspaceId}/invitations`).set(bearer(owner.token)).send(body)).body as {
      id: string;
      token: string;
    };
  const clientInvite = async (body: object) =>
    (await api.post(`/api/v1/workspaces/${staffed.workspaceId}/invitations`).set(bearer(staffed.clientAdmin.token)).send(body)).body as {
      id: string;
      token: string;
    };
  const usersWithEmail = async (email: string) => (await gatewayDb.query(`select id from users where email = $1`, [email])).length;

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace'] });
    api = request(platform.gatewayUrl);
    owner = await signUp(platform.gatewayUrl, 'Freelancer');
    workspaceId = (await createWorkspace(platform.gatewayUrl, owner)).id;
    const second = (await createWorkspace(platform.gatewayUrl, owner, 'Second')).id;
    staffed = { workspaceId: second, clientAdmin: await inviteAndJoin(platform.gatewayUrl, owner, second, 'client_admin') };
    gatewayDb = await connectServiceDb('gateway', 'system', platform.dbPrefix);
  });

  afterAll(async () => {
    await gatewayDb?.destroy();
    await platform?.close();
  });

  it('creates a client user without an account, joined with the invitation role, and signed in', async () => {
    const { token } = await invite({ role: 'client_admin' });
    const email = `client-${Date.now()}@example.test`;
    const res = await api
      .post(`/api/v1/invitations/${token}/signup`)
      .send({ email: email.toUpperCase(), password: 'client pass phrase', name: 'Client Co' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      user: { email, name: 'Client Co' },
      workspace: { id: workspaceId, role: 'client_admin' },
      tokenType: 'Bearer',
    });
    expect(res.body.refreshToken).toEqual(expect.any(String));

    const me = await api.get('/api/v1/me').set(bearer(res.body.accessToken));
    expect(me.body.accounts).toEqual([]);
    expect(me.body.workspaces.map((w: { id: string; role: string }) => [w.id, w.role])).toEqual([[workspaceId, 'client_admin']]);
    // A client has no account to open workspaces in.
    const ownWorkspace = await api.post('/api/v1/workspaces').set(bearer(res.body.accessToken)).send({ name: 'Mine' });
    expect(ownWorkspace.status).toBe(403);
    expect(ownWorkspace.body.error.code).toBe('no_account');

    const login = await api.post('/api/v1/auth/login').send({ email, password: 'client pass phrase' });
    expect(login.status).toBe(200);
  });

  it('leaves no user behind when the invitation cannot be used', async () => {
    const { id, token } = await clientInvite({ role: 'client_viewer' });
    await api.delete(`/api/v1/workspaces/${staffed.workspaceId}/invitations/${id}`).set(bearer(staffed.clientAdmin.token));
    const email = `late-${Date.now()}@example.test`;
    const res = await api.post(`/api/v1/invitations/${token}/signup`).send({ email, password: 'client pass phrase', name: 'Late' });
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('invitation_revoked');
    expect(await usersWithEmail(email)).toBe(0);

    const guessed = await api
      .post(`/api/v1/invitations/inv_${'x'.repeat(43)}/signup`)
      .send({ email, password: 'client pass phrase', name: 'Guess' });
    expect(guessed.status).toBe(404);
    expect(await usersWithEmail(email)).toBe(0);
  });

  it('applies the password policy and the unique email rule', async () => {
    const { token } = await clientInvite({ role: 'client_viewer', maxUses: 5 });
    const weak = await api
      .post(`/api/v1/invitations/${token}/signup`)
      .send({ email: 'weak@example.test', password: 'aaaaaaaaaaaa', name: 'Weak' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.details.fields).toEqual([
      { field: 'password', messages: ['password must use at least 4 different characters'] },
    ]);
    const taken = await api
      .post(`/api/v1/invitations/${token}/signup`)
      .send({ email: owner.email, password: 'client pass phrase', name: 'Dup' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('email_taken');
  });

  it("refuses a signup through the freelancer's spare client-admin invitation once the client is in, and leaves no user behind", async () => {
    const ws = (await createWorkspace(platform.gatewayUrl, owner, 'Two invitations')).id;
    const issue = async (body: object) =>
      (await api.post(`/api/v1/workspaces/${ws}/invitations`).set(bearer(owner.token)).send(body)).body as { token: string };
    // Both issued while the workspace has no client admin: each looks like "the first".
    const forClient = await issue({ role: 'client_admin' });
    const alias = `freelancer-alias-${Date.now()}@example.test`;
    const spare = await issue({ role: 'client_admin', email: alias });

    const client = await api
      .post(`/api/v1/invitations/${forClient.token}/signup`)
      .send({ email: `real-client-${Date.now()}@example.test`, password: 'client pass phrase', name: 'Acme Buyer' });
    expect(client.status).toBe(201);
    const sockPuppet = await api
      .post(`/api/v1/invitations/${spare.token}/signup`)
      .send({ email: alias, password: 'client pass phrase', name: 'Also me' });
    expect(sockPuppet.status).toBe(409);
    expect(sockPuppet.body.error.code).toBe('workspace_has_client_admin');
    expect(await usersWithEmail(alias)).toBe(0);
    const members = await api.get(`/api/v1/workspaces/${ws}/members`).set(bearer(owner.token));
    expect(members.body.items.map((m: { role: string }) => m.role).sort()).toEqual(['client_admin', 'owner']);
  });
});
