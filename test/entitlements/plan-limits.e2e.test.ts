import request from 'supertest';
import { DataSource } from 'typeorm';
import { PLAN_LIMITS } from '@fpms/contracts';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  EntitlementsPublisher,
  entitlementsEvent,
  eventually,
  inviteAndJoin,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
  startTestS3,
  TestS3,
} from '@fpms/harness';
import { waitForInbox } from '../milestones/support';

/**
 * Plan limits and features, enforced by the service that owns the items (402 with the
 * limit's code, the plan, the limit and the plan that lifts it): the free plan's limits,
 * an upgrade lifting them within a second, a downgrade refusing only new items, versions
 * applied newest-first, concurrency at the limit, and one account never affecting another.
 */
describe('plans: limits and features from billing.entitlements.changed', () => {
  let s3: TestS3;
  let platform: RunningPlatform;
  let entitlements: EntitlementsPublisher;
  let workspaceDb: DataSource;
  let filesDb: DataSource;
  const api = () => request(platform.gatewayUrl);
  const free = PLAN_LIMITS.free;

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files'],
      env: {
        files: s3.filesEnv({ FILES_CLEANUP_INTERVAL_SECONDS: '0' }),
        workspace: { REVIEW_TIMER_POLL_MS: '0', DELIVERABLE_PINNING: 'off' },
      },
    });
    entitlements = await EntitlementsPublisher.connect(platform.amqpUrl);
    workspaceDb = await connectServiceDb('workspace', 'system', platform.dbPrefix);
    filesDb = await connectServiceDb('files', 'system', platform.dbPrefix);
  }, 180_000);

  afterAll(async () => {
    await entitlements?.close();
    await workspaceDb?.destroy();
    await filesDb?.destroy();
    await platform?.close();
    await s3?.close();
  });

  const newWorkspace = (who: SignedUpUser, name = 'Job') => api().post('/api/v1/workspaces').set(bearer(who.token)).send({ name });

  it('refuses the workspace beyond the free plan’s limit, lifts it within a second of pro, and a downgrade refuses only new ones', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Grower');
    const ids: string[] = [];
    for (let i = 0; i < free.activeWorkspaces!; i++) ids.push((await createWorkspace(platform.gatewayUrl, owner, `Job ${i}`)).id);
    const refused = await newWorkspace(owner);
    expect(refused.status).toBe(402);
    expect(refused.body.error).toMatchObject({
      code: 'active_workspaces_limit_reached',
      details: {
        plan: 'free',
        limit: 'activeWorkspaces',
        max: free.activeWorkspaces,
        current: free.activeWorkspaces,
        planThatLifts: 'pro',
      },
    });

    await entitlements.next(owner.accountId, { plan: 'pro' });
    const lifted = await eventually(
      'pro to lift the limit',
      async () => {
        const res = await newWorkspace(owner, 'Fourth');
        return res.status === 201 ? res : null;
      },
      { timeoutMs: 1_000, intervalMs: 20 },
    );
    ids.push(lifted.body.id);

    // Downgrade: all four stay readable and editable; a fifth is refused.
    // Wait on the workspace service's inbox, not on a creation: a probe that creates would
    // add a fifth workspace whenever it ran before the downgrade was applied.
    const downgrade = await entitlements.next(owner.accountId, { plan: 'free' });
    await waitForInbox(workspaceDb, [downgrade.id]);
    for (const id of ids) {
      expect((await api().get(`/api/v1/workspaces/${id}`).set(bearer(owner.token))).status).toBe(200);
      expect((await api().patch(`/api/v1/workspaces/${id}`).set(bearer(owner.token)).send({ name: 'Still mine' })).status).toBe(200);
    }
    expect((await api().get('/api/v1/workspaces').set(bearer(owner.token))).body.items).toHaveLength(4);
    const fifth = await newWorkspace(owner, 'Fifth');
    expect(fifth.body.error.details).toMatchObject({ plan: 'free', current: 4, max: free.activeWorkspaces });
  });

  it('ignores older and duplicated entitlement versions, in workspace and in files', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Versions');
    const v2 = entitlementsEvent(owner.accountId, 2, { plan: 'enterprise' });
    const v1 = entitlementsEvent(owner.accountId, 1, { plan: 'free' });
    await entitlements.publish(v2);
    await entitlements.publish(v1);
    await entitlements.publish(v2); // the same message again
    const v2again = { ...entitlementsEvent(owner.accountId, 2, { plan: 'free' }) }; // another message, same version
    await entitlements.publish(v2again);
    await waitForInbox(workspaceDb, [v2.id, v1.id, v2again.id]);
    await waitForInbox(filesDb, [v2.id, v1.id, v2again.id]);
    for (const db of [workspaceDb, filesDb]) {
      const rows = await db.query(`select plan, version from account_entitlements where account_id = $1`, [owner.accountId]);
      expect(rows).toEqual([{ plan: 'enterprise', version: '2' }]);
    }
    // Enterprise: no workspace limit.
    for (let i = 0; i <= free.activeWorkspaces!; i++) expect((await newWorkspace(owner, `W${i}`)).status).toBe(201);
  });

  it('never exceeds the workspace limit under concurrent creation', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Racer');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => newWorkspace(owner, `Race ${i}`)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(free.activeWorkspaces!).fill(201), ...Array(8 - free.activeWorkspaces!).fill(402)]);
    const [{ n }] = await workspaceDb.query(`select count(*)::int as n from workspaces where account_id = $1`, [owner.accountId]);
    expect(n).toBe(free.activeWorkspaces);
  });

  it('refuses a member beyond the limit at invitation and at acceptance, also when acceptances race', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Team');
    const ws = await createWorkspace(platform.gatewayUrl, owner);
    await inviteAndJoin(platform.gatewayUrl, owner, ws.id, 'collaborator');
    // One invitation with more uses than seats: 3 members now, 5 allowed, 6 racing to join.
    const invitation = await api()
      .post(`/api/v1/workspaces/${ws.id}/invitations`)
      .set(bearer(owner.token))
      .send({ role: 'collaborator', maxUses: 10 });
    expect(invitation.status).toBe(201);
    await inviteAndJoin(platform.gatewayUrl, owner, ws.id, 'client_admin');
    const joiners = await Promise.all(Array.from({ length: 6 }, (_, i) => signUp(platform.gatewayUrl, `Joiner ${i}`)));
    const accepted = await Promise.all(
      joiners.map((j) => api().post(`/api/v1/invitations/${invitation.body.token}/accept`).set(bearer(j.token)).send()),
    );
    const seats = free.membersPerWorkspace! - 3;
    expect(accepted.map((r) => r.status).sort()).toEqual([...Array(seats).fill(201), ...Array(6 - seats).fill(402)]);
    expect(accepted.find((r) => r.status === 402)!.body.error).toMatchObject({
      code: 'members_per_workspace_limit_reached',
      details: { plan: 'free', limit: 'membersPerWorkspace', max: free.membersPerWorkspace, planThatLifts: 'pro' },
    });
    const members = await api().get(`/api/v1/workspaces/${ws.id}/members`).set(bearer(owner.token));
    expect(members.body.items).toHaveLength(free.membersPerWorkspace!);
    // Full: no new invitation either.
    const more = await api().post(`/api/v1/workspaces/${ws.id}/invitations`).set(bearer(owner.token)).send({ role: 'collaborator' });
    expect([more.status, more.body.error.code]).toEqual([402, 'members_per_workspace_limit_reached']);
  });

  it('counts proposals per account and month: the eleventh is refused, also when proposals race; re-proposing counts once', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Proposer');
    const wsA = await createWorkspace(platform.gatewayUrl, owner, 'A');
    const wsB = await createWorkspace(platform.gatewayUrl, owner, 'B');
    const client = await inviteAndJoin(platform.gatewayUrl, owner, wsA.id, 'client_admin');
    const create = async (wsId: string) =>
      (
        await api()
          .post(`/api/v1/workspaces/${wsId}/milestones`)
          .set(bearer(owner.token))
          .send({ title: 'M', amount: 1_000, currency: 'EUR' })
      ).body.id as string;
    const propose = (wsId: string, id: string) =>
      api().post(`/api/v1/workspaces/${wsId}/milestones/${id}/propose`).set(bearer(owner.token)).send({});
    // One proposed, declined and proposed again: counts once.
    const first = await create(wsA.id);
    expect((await propose(wsA.id, first)).status).toBe(200);
    expect((await api().post(`/api/v1/workspaces/${wsA.id}/milestones/${first}/decline`).set(bearer(client.token)).send({})).status).toBe(
      200,
    );
    expect((await propose(wsA.id, first)).status).toBe(200);
    // 11 more drafts across two workspaces of the account, proposed at once: 9 seats left.
    const drafts = await Promise.all(
      Array.from({ length: 11 }, (_, i) => (i % 2 ? create(wsA.id) : create(wsB.id)).then((id) => ({ id, ws: i % 2 ? wsA.id : wsB.id }))),
    );
    const results = await Promise.all(drafts.map((d) => propose(d.ws, d.id)));
    expect(results.map((r) => r.status).sort()).toEqual([...Array(free.milestonesPerMonth! - 1).fill(200), 402, 402]);
    expect(results.find((r) => r.status === 402)!.body.error).toMatchObject({
      code: 'milestones_per_month_limit_reached',
      details: {
        plan: 'free',
        limit: 'milestonesPerMonth',
        max: free.milestonesPerMonth,
        current: free.milestonesPerMonth,
        planThatLifts: 'pro',
      },
    });
    // Drafts are not limited, and the refused ones stay drafts, editable.
    const refused = drafts[results.findIndex((r) => r.status === 402)];
    const view = await api().get(`/api/v1/workspaces/${refused.ws}/milestones/${refused.id}`).set(bearer(owner.token));
    expect(view.body.status).toBe('draft');
    await entitlements.next(owner.accountId, { plan: 'pro' });
    await eventually('pro to lift the proposals limit', async () => (await propose(refused.ws, refused.id)).status === 200);
  });

  it('custom task statuses are a pro feature; a downgrade keeps the custom board readable and in use', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Board');
    const ws = await createWorkspace(platform.gatewayUrl, owner);
    const board = {
      statuses: [
        { key: 'todo', name: 'To do', category: 'todo' },
        { key: 'review', name: 'In review', category: 'in_progress' },
        { key: 'done', name: 'Done', category: 'done' },
      ],
    };
    const put = () => api().put(`/api/v1/workspaces/${ws.id}/task-statuses`).set(bearer(owner.token)).send(board);
    const refused = await put();
    expect(refused.status).toBe(402);
    expect(refused.body.error).toMatchObject({
      code: 'custom_task_statuses_not_in_plan',
      details: { plan: 'free', feature: 'customTaskStatuses', planThatLifts: 'pro' },
    });
    expect((await api().get(`/api/v1/workspaces/${ws.id}/task-statuses`).set(bearer(owner.token))).status).toBe(200);

    await entitlements.next(owner.accountId, { plan: 'pro' });
    await eventually('the feature', async () => (await put()).status === 200);
    const task = await api().post(`/api/v1/workspaces/${ws.id}/tasks`).set(bearer(owner.token)).send({ title: 'Check', status: 'review' });
    expect(task.status).toBe(201);

    await entitlements.next(owner.accountId, { plan: 'free' });
    await eventually('the downgrade', async () => (await put()).status === 402);
    const after = await api().get(`/api/v1/workspaces/${ws.id}/task-statuses`).set(bearer(owner.token));
    expect(after.body.items.map((s: { key: string }) => s.key)).toEqual(['todo', 'review', 'done']);
    expect((await api().get(`/api/v1/workspaces/${ws.id}/tasks/${task.body.id}`).set(bearer(owner.token))).body.status).toBe('review');
    expect(
      (await api().patch(`/api/v1/workspaces/${ws.id}/tasks/${task.body.id}`).set(bearer(owner.token)).send({ title: 'Checked' })).status,
    ).toBe(200);
  });

  it('refuses a file over the plan’s size with 402 (files), and pro lifts it', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Filmmaker');
    const ws = await createWorkspace(platform.gatewayUrl, owner);
    const big = { name: 'film.mp4', size: free.maxFileSizeBytes + 1, contentType: 'video/mp4' };
    const refused = await api().post(`/api/v1/workspaces/${ws.id}/files`).set(bearer(owner.token)).send(big);
    expect(refused.status).toBe(402);
    expect(refused.body.error).toMatchObject({
      code: 'max_file_size_bytes_limit_reached',
      details: { plan: 'free', limit: 'maxFileSizeBytes', max: free.maxFileSizeBytes, requested: big.size, planThatLifts: 'pro' },
    });
    await entitlements.next(owner.accountId, { plan: 'pro' });
    await eventually(
      'pro in files',
      async () => (await api().post(`/api/v1/workspaces/${ws.id}/files`).set(bearer(owner.token)).send(big)).status === 201,
    );
  });

  it('one account’s entitlements never apply to another', async () => {
    const paying = await signUp(platform.gatewayUrl, 'Paying');
    const neighbour = await signUp(platform.gatewayUrl, 'Neighbour');
    for (let i = 0; i < free.activeWorkspaces!; i++) {
      await createWorkspace(platform.gatewayUrl, paying, `P${i}`);
      await createWorkspace(platform.gatewayUrl, neighbour, `N${i}`);
    }
    // An event whose tenant is one account and data another's is refused outright (dead-lettered), never applied.
    const forged = entitlementsEvent(paying.accountId, 1, { plan: 'enterprise' });
    forged.data.accountId = neighbour.accountId;
    await entitlements.publish(forged);
    await entitlements.next(paying.accountId, { plan: 'pro' });
    await eventually('pro for the paying account', async () => (await newWorkspace(paying)).status === 201);
    const refused = await newWorkspace(neighbour);
    expect([refused.status, refused.body.error.details.plan]).toEqual([402, 'free']);
    const rows = await workspaceDb.query(`select account_id, plan from account_entitlements where account_id = any($1)`, [
      [paying.accountId, neighbour.accountId],
    ]);
    expect(rows).toEqual([{ account_id: paying.accountId, plan: 'pro' }]);
    const me = await api().get('/api/v1/me').set(bearer(neighbour.token));
    expect(me.body.accounts).toEqual([
      expect.objectContaining({ accountId: neighbour.accountId, plan: 'free', standing: 'active', locksAt: null }),
    ]);
  });
});
