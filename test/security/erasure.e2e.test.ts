import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BillingEvents, EventEnvelope, GatewayEvents, GLOBAL_TENANT_ACCOUNT_ID } from '@fpms/contracts';
import { bearer, connectServiceDb, eventually, signUp } from '@fpms/testing';
import {
  BillingPublisher,
  engagement,
  Engagement,
  FILE_VERSION,
  fundedMilestone,
  MILESTONE_ONLY_WORKSPACE_ENV,
  milestoneApi,
  systemDb,
  waitForInbox,
} from '../milestones/support';
import { enableTotp, startSecurityWorld, SecurityWorld, totpCode } from './security-world';

/** Issue 18 part 5: DELETE /api/v1/me, erasure of the caller's personal data in every service. */
describe('personal-data erasure', () => {
  let world: SecurityWorld;
  let billing: BillingPublisher;
  let workspaceDb: DataSource;
  let messagingDb: DataSource;
  let gatewayDb: DataSource;
  let e: Engagement;
  const api = () => world.api();
  const erase = (token: string, body: object) => api().delete('/api/v1/me').set(bearer(token)).send(body);

  beforeAll(async () => {
    world = await startSecurityWorld({ RATE_LIMIT_2FA_USER: '50/600' }, MILESTONE_ONLY_WORKSPACE_ENV);
    billing = await BillingPublisher.connect(world.platform.amqpUrl);
    workspaceDb = await systemDb(world.platform);
    messagingDb = await connectServiceDb('messaging', 'system', world.platform.dbPrefix);
    gatewayDb = await connectServiceDb('gateway', 'system', world.platform.dbPrefix);
    e = await engagement(world.platform);
  });

  afterAll(async () => {
    await billing?.close();
    await workspaceDb?.destroy();
    await messagingDb?.destroy();
    await gatewayDb?.destroy();
    await world?.close();
  });

  const contactOf = async (userId: string) =>
    (await messagingDb.query(`select email, display_name from notification_contacts where user_id = $1`, [userId]))[0] ?? null;

  it('validates its body: a password is required, codes have their format', async () => {
    const user = await signUp(world.platform.gatewayUrl, 'Validator');
    for (const body of [{}, { password: '' }, { password: 42 }, { password: user.password, code: '12' }]) {
      const res = await erase(user.token, body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', requestId: expect.any(String) });
    }
    const wrong = await erase(user.token, { password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_password');
    expect((await api().get('/api/v1/me').set(bearer(user.token))).body.user.email).toBe(user.email);
  });

  it('with two-factor sign-in on, needs a current code as well as the password', async () => {
    const user = await signUp(world.platform.gatewayUrl, 'Guarded');
    const { secret } = await enableTotp(world, user);
    const missing = await erase(user.token, { password: user.password });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('two_factor_code_required');
    const wrong = await erase(user.token, { password: user.password, code: totpCode(world, secret, 5) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('invalid_two_factor_code');
    expect((await api().get('/api/v1/me').set(bearer(user.token))).body.user.email).toBe(user.email);

    world.clock.advance(30_000);
    const done = await erase(user.token, { password: user.password, code: totpCode(world, secret) });
    expect(done.status).toBe(202);
    expect((await api().post('/api/v1/auth/login').send({ email: user.email, password: user.password })).status).toBe(401);
  });

  it('an approved milestone whose money is not yet released blocks as release_pending', async () => {
    const m = await fundedMilestone(world.platform, e, billing, workspaceDb, {
      title: 'Approved, unpaid',
      amount: 20_000,
      currency: 'EUR',
    });
    const ms = milestoneApi(world.platform, e);
    expect((await ms.act(e.freelancer, m.id, 'submit', { deliverableFileVersionId: FILE_VERSION() })).status).toBe(200);
    expect((await ms.act(e.client, m.id, 'approve')).status).toBe(200);
    const pending = await erase(e.viewer.token, { password: e.viewer.password });
    expect(pending.status).toBe(409);
    expect(pending.body.error.details).toMatchObject({
      reasons: ['release_pending'],
      blockers: [{ kind: 'release_pending', milestoneId: m.id }],
    });
    const released = await billing.milestone(BillingEvents.milestoneReleased, m, 2);
    await waitForInbox(workspaceDb, [released.id]);
    // Released: nothing left in flight for the viewer (they are not erased by this test).
    const milestone = await api().get(`/api/v1/workspaces/${e.workspaceId}/milestones/${m.id}`).set(bearer(e.viewer.token));
    expect(milestone.body.status).toBe('released');
  });

  it('is refused while money is in flight for the user, naming what blocks it; completed once it is released, in every service', async () => {
    const client = e.client;
    const me = await api().get('/api/v1/me').set(bearer(client.token));
    const name: string = me.body.user.name;
    await eventually('messaging knows the client', async () => (await contactOf(client.userId)) !== null);

    const m = await fundedMilestone(world.platform, e, billing, workspaceDb);
    const held = await erase(client.token, { password: client.password });
    expect(held.status).toBe(409);
    expect(held.body.error).toMatchObject({
      code: 'erasure_blocked',
      details: { reasons: ['escrow_held'], blockers: [{ kind: 'escrow_held', workspaceId: e.workspaceId, milestoneId: m.id }] },
    });
    // The freelancer's side is blocked by the same money.
    expect((await erase(e.freelancer.token, { password: e.freelancer.password })).body.error.details.reasons).toEqual(['escrow_held']);

    // A chargeback freezes it: the dispute is named.
    const disputed = await billing.milestone(BillingEvents.milestoneDisputed, m, 2);
    await waitForInbox(workspaceDb, [disputed.id]);
    expect((await erase(client.token, { password: client.password })).body.error.details.reasons).toEqual(['dispute_open']);
    const closed = await billing.milestone(BillingEvents.milestoneDisputeClosed, m, 3, { outcome: 'won' });
    const released = await billing.milestone(BillingEvents.milestoneReleased, m, 4);
    await waitForInbox(workspaceDb, [closed.id, released.id]);

    const done = await erase(client.token, { password: client.password });
    expect(done.status).toBe(202);
    expect(done.body).toEqual({ erased: true, erasedAt: expect.any(String) });

    // Gateway: no sign-in with the old address, sessions revoked, /me shows the pseudonym.
    expect((await api().post('/api/v1/auth/login').send({ email: client.email, password: client.password })).status).toBe(401);
    expect((await api().post('/api/v1/auth/refresh').send({ refreshToken: client.refreshToken })).status).toBe(401);
    const after = await api().get('/api/v1/me').set(bearer(client.token));
    expect(after.body.user).toMatchObject({ email: `deleted-${client.userId}@erased.invalid`, name: 'Deleted user' });
    const [audit] = await gatewayDb.query(`select erased_at, actions from user_erasures where user_id = $1`, [client.userId]);
    expect(audit.actions).toMatchObject({ event: 'gateway.user.erased', pseudonymised: expect.arrayContaining(['email', 'display_name']) });

    // Workspace: the members list (as the freelancer sees it) names neither the address nor the name.
    await eventually('workspace pseudonymised the member', async () => {
      const members = await api().get(`/api/v1/workspaces/${e.workspaceId}/members`).set(bearer(e.freelancer.token));
      return (
        !JSON.stringify(members.body).includes(client.email) &&
        members.body.items.some((x: { userId: string }) => x.userId === client.userId)
      );
    });
    const members = await api().get(`/api/v1/workspaces/${e.workspaceId}/members`).set(bearer(e.freelancer.token));
    expect(JSON.stringify(members.body)).not.toContain(name);
    expect(members.body.items.find((x: { userId: string }) => x.userId === client.userId).email).toBe(
      `deleted-${client.userId}@erased.invalid`,
    );
    // Other members keep theirs.
    expect(JSON.stringify(members.body)).toContain(e.viewer.email);

    // Messaging forgets the address and name notifications were sent to.
    await eventually('messaging forgot the client', async () => (await contactOf(client.userId)) === null);
    expect(await contactOf(e.viewer.userId)).not.toBeNull();

    // The money is still there: the milestone shows it released.
    const milestone = await api().get(`/api/v1/workspaces/${e.workspaceId}/milestones/${m.id}`).set(bearer(e.freelancer.token));
    expect(milestone.body).toMatchObject({ status: 'released', money: { released: m.amount } });

    // A replay of the event (a new delivery) changes nothing and fails nowhere.
    const replay: EventEnvelope = {
      id: randomUUID(),
      type: GatewayEvents.userErased,
      tenant: { accountId: GLOBAL_TENANT_ACCOUNT_ID },
      aggregateId: client.userId,
      aggregateVersion: 0,
      occurredAt: new Date().toISOString(),
      data: { userId: client.userId, erasedAt: audit.erased_at.toISOString() },
    };
    await billing.publish(replay);
    await waitForInbox(workspaceDb, [replay.id]);
    const again = await api().get(`/api/v1/workspaces/${e.workspaceId}/members`).set(bearer(e.freelancer.token));
    expect(again.body).toEqual(members.body);
  });
});
