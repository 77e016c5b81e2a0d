import request from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, createWorkspace, inviteAndJoin, RunningPlatform, signUp, startPlatform } from '@fpms/harness';
import { BillingPublisher, engagement, Engagement, fundedMilestone, MILESTONE_ONLY_WORKSPACE_ENV, systemDb } from '../milestones/support';

/**
 * Isolation of DELETE /api/v1/me (issue 18 part 5), which takes no id: the caller erases
 * themselves only, and only their own workspaces' money can block them.
 */
describe('erasure isolation', () => {
  let platform: RunningPlatform;
  let billing: BillingPublisher;
  let system: DataSource;
  let a: Engagement;
  const api = () => request(platform.gatewayUrl);

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace', 'messaging'], env: { workspace: MILESTONE_ONLY_WORKSPACE_ENV } });
    billing = await BillingPublisher.connect(platform.amqpUrl);
    system = await systemDb(platform);
    a = await engagement(platform);
    await fundedMilestone(platform, a, billing, system);
  });

  afterAll(async () => {
    await billing?.close();
    await system?.destroy();
    await platform?.close();
  });

  it("tenant B can neither erase tenant A's users nor be blocked by A's money, and B's erasure leaves A untouched", async () => {
    const ownerB = await signUp(platform.gatewayUrl, 'Owner B');
    const wsB = await createWorkspace(platform.gatewayUrl, ownerB, 'B work');
    const clientB = await inviteAndJoin(platform.gatewayUrl, ownerB, wsB.id, 'client_admin');
    const membersA = await api().get(`/api/v1/workspaces/${a.workspaceId}/members`).set(bearer(a.freelancer.token));

    // B's token with A's password: B's own password is what counts, and it is not that.
    const withAsPassword = await api().delete('/api/v1/me').set(bearer(clientB.token)).send({ password: 'not B password' });
    expect(withAsPassword.status).toBe(401);
    expect(withAsPassword.body.error.code).toBe('invalid_password');

    // A's escrow blocks A's members, never B's.
    expect((await api().delete('/api/v1/me').set(bearer(a.client.token)).send({ password: a.client.password })).status).toBe(409);
    const erased = await api().delete('/api/v1/me').set(bearer(clientB.token)).send({ password: clientB.password });
    expect(erased.status).toBe(202);

    // Tenant A is as it was: its users sign in, its members list is unchanged.
    expect((await api().post('/api/v1/auth/login').send({ email: a.client.email, password: a.client.password })).status).toBe(200);
    const membersAfter = await api().get(`/api/v1/workspaces/${a.workspaceId}/members`).set(bearer(a.freelancer.token));
    expect(membersAfter.body).toEqual(membersA.body);
    expect((await api().get('/api/v1/me').set(bearer(a.client.token))).body.user.email).toBe(a.client.email);
    // B's owner keeps theirs too: only the caller is erased.
    expect((await api().get('/api/v1/me').set(bearer(ownerB.token))).body.user.email).toBe(ownerB.email);
  });
});
