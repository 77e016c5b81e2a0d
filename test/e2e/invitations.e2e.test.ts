import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  grantPlan,
  inviteAndJoin,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
} from '@fpms/harness';

describe('invitations', () => {
  let platform: RunningPlatform;
  let api: ReturnType<typeof request>;
  let owner: SignedUpUser;
  /** The workspace's first client admin: client-side invitations are theirs to issue. */
  let clientAdmin: SignedUpUser;
  let workspaceId: string;
  let db: DataSource;

  const invite = async (body: { role: string; [field: string]: unknown }) => {
    const inviter = body.role === 'collaborator' ? owner : clientAdmin;
    const res = await api.post(`/api/v1/workspaces/${workspaceId}/invitations`).set(bearer(inviter.token)).send(body);
    expect(res.status).toBe(201);
    return res.body as { id: string; token: string; role: string; status: string };
  };
  const accept = (token: string, user: SignedUpUser) => api.post(`/api/v1/invitations/${token}/accept`).set(bearer(user.token)).send();
  const memberRoles = async () => {
    const res = await api.get(`/api/v1/workspaces/${workspaceId}/members`).set(bearer(owner.token));
    return Object.fromEntries(res.body.items.map((m: { userId: string; role: string }) => [m.userId, m.role]));
  };

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace'] });
    api = request(platform.gatewayUrl);
    owner = await signUp(platform.gatewayUrl, 'Owner');
    // One workspace takes in more members across these cases than the free plan's five.
    await grantPlan(platform, owner.accountId, 'enterprise', ['workspace']);
    workspaceId = (await createWorkspace(platform.gatewayUrl, owner)).id;
    clientAdmin = await inviteAndJoin(platform.gatewayUrl, owner, workspaceId, 'client_admin');
    db = await connectServiceDb('workspace', 'system', platform.dbPrefix);
  });

  afterAll(async () => {
    await db?.destroy();
    await platform?.close();
  });

  it('joins exactly that workspace with that role, once', async () => {
    const inv = await invite({ role: 'client_admin' });
    expect(inv.token).toMatch(/^inv_[A-Za-z0-9_-]{40,}$/);
    const client = await signUp(platform.gatewayUrl, 'Client');
    const joined = await accept(inv.token, client);
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ id: workspaceId, role: 'client_admin' });
    expect((await memberRoles())[client.userId]).toBe('client_admin');

    const again = await accept(inv.token, client);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_member');
    const [row] = await db.query(`select uses from workspace_invitations where id = $1`, [inv.id]);
    expect(row.uses).toBe(1);
  });

  it('stores only a hash of the token and never lists it again', async () => {
    const inv = await invite({ role: 'collaborator' });
    const [row] = await db.query(`select token_hash from workspace_invitations where id = $1`, [inv.id]);
    expect(Buffer.from(row.token_hash).toString('utf8')).not.toContain(inv.token);
    const list = await api.get(`/api/v1/workspaces/${workspaceId}/invitations`).set(bearer(owner.token));
    expect(JSON.stringify(list.body)).not.toContain(inv.token);
    expect(list.body.items.find((i: { id: string }) => i.id === inv.id)).toMatchObject({ status: 'active', uses: 0, maxUses: 1 });
  });

  it('refuses an expired invitation (410) and takes no use', async () => {
    const inv = await invite({ role: 'client_viewer', expiresInHours: 1 });
    await db.query(`update workspace_invitations set expires_at = now() - interval '1 second' where id = $1`, [inv.id]);
    const res = await accept(inv.token, await signUp(platform.gatewayUrl));
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('invitation_expired');
    expect((await db.query(`select uses from workspace_invitations where id = $1`, [inv.id]))[0].uses).toBe(0);
  });

  it('honours max uses', async () => {
    const inv = await invite({ role: 'client_viewer', maxUses: 2 });
    expect((await accept(inv.token, await signUp(platform.gatewayUrl))).status).toBe(201);
    expect((await accept(inv.token, await signUp(platform.gatewayUrl))).status).toBe(201);
    const third = await accept(inv.token, await signUp(platform.gatewayUrl));
    expect(third.status).toBe(410);
    expect(third.body.error.code).toBe('invitation_used_up');
  });

  it('refuses a revoked invitation; revoking is recorded and idempotent', async () => {
    const inv = await invite({ role: 'collaborator', maxUses: 5 });
    const revoked = await api.delete(`/api/v1/workspaces/${workspaceId}/invitations/${inv.id}`).set(bearer(owner.token));
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    expect((await api.delete(`/api/v1/workspaces/${workspaceId}/invitations/${inv.id}`).set(bearer(owner.token))).status).toBe(200);
    const res = await accept(inv.token, await signUp(platform.gatewayUrl));
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('invitation_revoked');
  });

  it('binds to an email address when asked', async () => {
    const intended = await signUp(platform.gatewayUrl, 'Intended');
    const inv = await invite({ role: 'client_viewer', email: intended.email.toUpperCase(), maxUses: 2 });
    const stranger = await accept(inv.token, await signUp(platform.gatewayUrl, 'Stranger'));
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.code).toBe('invitation_email_mismatch');
    expect((await accept(inv.token, intended)).status).toBe(201);
  });

  it('lets exactly one of many racers take the last use', async () => {
    const inv = await invite({ role: 'client_viewer', maxUses: 1 });
    const racers = await Promise.all(Array.from({ length: 8 }, (_, i) => signUp(platform.gatewayUrl, `Racer ${i}`)));
    const results = await Promise.all(racers.map((u) => accept(inv.token, u)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 410, 410, 410, 410, 410, 410, 410]);
    const winners = racers.filter((_, i) => results[i].status === 201).map((u) => u.userId);
    const roles = await memberRoles();
    expect(racers.filter((u) => roles[u.userId]).map((u) => u.userId)).toEqual(winners);
    expect((await db.query(`select uses from workspace_invitations where id = $1`, [inv.id]))[0].uses).toBe(1);
  });

  it('gives a user who accepts twice at once one membership and one use', async () => {
    const inv = await invite({ role: 'client_viewer', maxUses: 5 });
    const user = await signUp(platform.gatewayUrl, 'Double clicker');
    const results = await Promise.all([accept(inv.token, user), accept(inv.token, user), accept(inv.token, user)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect((await db.query(`select uses from workspace_invitations where id = $1`, [inv.id]))[0].uses).toBe(1);
  });

  it("seats exactly one first client admin when two of the owner's client-admin invitations are accepted at once", async () => {
    const ws = (await createWorkspace(platform.gatewayUrl, owner, 'Race for the client seat')).id;
    const issue = async () =>
      (await api.post(`/api/v1/workspaces/${ws}/invitations`).set(bearer(owner.token)).send({ role: 'client_admin' })).body.token as string;
    const [first, second] = [await issue(), await issue()];
    const [x, y] = await Promise.all([signUp(platform.gatewayUrl, 'X'), signUp(platform.gatewayUrl, 'Y')]);
    const results = await Promise.all([accept(first, x), accept(second, y)]);
    expect(results.map((r) => `${r.status} ${r.body.error?.code ?? ''}`.trim()).sort()).toEqual(['201', '409 workspace_has_client_admin']);
    const members = await api.get(`/api/v1/workspaces/${ws}/members`).set(bearer(owner.token));
    expect(members.body.items.filter((m: { role: string }) => m.role === 'client_admin')).toHaveLength(1);
  });

  it('answers 404 for an unknown or malformed token', async () => {
    const user = await signUp(platform.gatewayUrl);
    expect((await accept('inv_' + 'A'.repeat(43), user)).status).toBe(404);
    expect((await accept('not-a-token', user)).status).toBe(404);
  });

  it('validates what an invitation may grant', async () => {
    const owners = await api.post(`/api/v1/workspaces/${workspaceId}/invitations`).set(bearer(owner.token)).send({ role: 'owner' });
    expect(owners.status).toBe(400);
    expect(owners.body.error.details.fields[0].field).toBe('role');
    const tooLong = await api
      .post(`/api/v1/workspaces/${workspaceId}/invitations`)
      .set(bearer(owner.token))
      .send({ role: 'collaborator', expiresInHours: 10000 });
    expect(tooLong.status).toBe(400);
  });

  it('records every invitation and membership change in the activity log', async () => {
    const inv = await invite({ role: 'collaborator' });
    const joiner = await signUp(platform.gatewayUrl, 'Joiner');
    const requestId = `join-${Date.now()}`;
    const joined = await api
      .post(`/api/v1/invitations/${inv.token}/accept`)
      .set(bearer(joiner.token))
      .set('X-Request-Id', requestId)
      .send();
    expect(joined.body).toMatchObject({ id: workspaceId, role: 'collaborator' });
    const activity = await api.get(`/api/v1/workspaces/${workspaceId}/activity?limit=3`).set(bearer(owner.token));
    expect(activity.status).toBe(200);
    expect(activity.body.items.map((a: { action: string }) => a.action)).toEqual([
      'member.joined',
      'invitation.accepted',
      'invitation.created',
    ]);
    expect(activity.body.items[0]).toMatchObject({
      actorUserId: joiner.userId,
      targetType: 'member',
      targetId: joiner.userId,
      after: { role: 'collaborator' },
      requestId,
    });
    expect(activity.body.nextBefore).toEqual(expect.any(String));
    const older = await api
      .get(`/api/v1/workspaces/${workspaceId}/activity?limit=200&before=${activity.body.nextBefore}`)
      .set(bearer(owner.token));
    expect(older.body.items.length).toBeGreaterThan(3);
    expect(older.body.items.at(-1).action).toBe('workspace.created');
  });
});
