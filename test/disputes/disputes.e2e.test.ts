import { randomUUID } from 'node:crypto';
import request from 'supertest';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { BillingPaymentsRpc, DisputeResolvedData, EventEnvelope, PaymentView, platformFee, RpcContext } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { tapEvents } from '@fpms/testing/event-tap';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  eventually,
  grantPlan,
  inviteAndJoin,
  MutableClock,
  onboardToConnect,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
  startTestS3,
  TestS3,
} from '@fpms/harness';
import { orderInvariantViolations } from '../../apps/billing/src/payments/order-invariants';
import { toOrder } from '../../apps/billing/src/payments/order';
import { DisputeDeadlinePoller } from '../../apps/workspace/src/disputes/dispute-deadline.poller';
import { uploadFile } from '../files/files-fixtures';
import { BillingPublisher } from '../milestones/support';

type Tap = Awaited<ReturnType<typeof tapEvents>>;
const REASON = 'Dispute review, ticket 4711';

/**
 * In-app disputes end to end, against the Stripe emulator, real PostgreSQL and RabbitMQ:
 * opened by either side, evidence from both, decided by a platform admin (release all,
 * refund all, split) or by the response deadline (the silent side loses), and the money
 * billing moves for each decision checked in Stripe's objects, the ledger and the order
 * invariants. The clock is shared and only moves forward: the deadline cases come last.
 */
describe('in-app disputes', () => {
  const clock = new MutableClock(new Date());
  let s3: TestS3;
  let platform: RunningPlatform;
  let stripe: Stripe;
  let billingDb: DataSource;
  let workspaceDb: DataSource;
  let rpc: RpcClient;
  let tap: Tap;
  let owner: SignedUpUser;
  let admin: SignedUpUser;
  let adminToken: string;
  let outsider: SignedUpUser;
  let outsiderWorkspace: string;
  const api = () => request(platform.gatewayUrl);

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files', 'billing'],
      clock,
      env: {
        workspace: { DELIVERABLE_PINNING: 'off', REVIEW_TIMER_POLL_MS: '0', DISPUTE_DEADLINE_POLL_MS: '0' },
        files: s3.filesEnv({ FILES_CLEANUP_INTERVAL_SECONDS: '0' }),
        billing: { REFUND_POLL_MS: '0' },
      },
    });
    stripe = new Stripe(platform.stripe!.emulator.apiKey, platform.stripe!.emulator.stripeConfig);
    billingDb = await connectServiceDb('billing', 'system', platform.dbPrefix);
    workspaceDb = await connectServiceDb('workspace', 'system', platform.dbPrefix);
    rpc = new RpcClient({ url: platform.amqpUrl });
    tap = await tapEvents(['workspace.milestone.dispute_resolved'], { amqpUrl: platform.amqpUrl });
    owner = await signUp(platform.gatewayUrl, 'Dora Disputed');
    // Each case opens a workspace of its own: more than the free plan's three.
    await grantPlan(platform, owner.accountId, 'enterprise', ['workspace', 'files']);
    await onboardToConnect(platform.gatewayUrl, owner);
    admin = await signUp(platform.gatewayUrl, 'Platform Admin');
    const gatewayDb = await connectServiceDb('gateway', 'system', platform.dbPrefix);
    await gatewayDb.query(`update users set is_platform_admin = true where id = $1`, [admin.userId]);
    await gatewayDb.destroy();
    adminToken = (await api().post('/api/v1/auth/login').send({ email: admin.email, password: admin.password })).body.accessToken;
    outsider = await signUp(platform.gatewayUrl, 'Other Tenant');
    outsiderWorkspace = (await createWorkspace(platform.gatewayUrl, outsider)).id;
    // Four services and an S3 stand-in on a busy machine take a while to start.
  }, 180_000);

  afterAll(async () => {
    await tap?.close();
    await rpc?.close();
    await billingDb?.destroy();
    await workspaceDb?.destroy();
    await platform?.close();
    await s3?.close();
  });

  /** A funded (and submitted) milestone in a workspace of its own, with a client admin and a viewer. */
  async function disputable(amount: number) {
    const workspaceId = (await createWorkspace(platform.gatewayUrl, owner)).id;
    const client = await inviteAndJoin(platform.gatewayUrl, owner, workspaceId, 'client_admin');
    const viewer = await inviteAndJoin(platform.gatewayUrl, client, workspaceId, 'client_viewer');
    const base = `/api/v1/workspaces/${workspaceId}/milestones`;
    const id = (await api().post(base).set(bearer(owner.token)).send({ title: 'Disputed work', amount, currency: 'EUR' })).body
      .id as string;
    await api().post(`${base}/${id}/propose`).set(bearer(owner.token)).send({});
    await api().post(`${base}/${id}/accept`).set(bearer(client.token)).send({});
    const ctx: RpcContext = { requestId: randomUUID(), userId: owner.userId, accountId: owner.accountId, workspaceId, token: owner.token };
    await rpc.call(
      BillingPaymentsRpc.fund,
      { workspaceId, milestoneId: id },
      { ...ctx, userId: client.userId, accountId: client.accountId, token: client.token },
    );
    const payment = (): Promise<PaymentView> => rpc.call(BillingPaymentsRpc.get, { workspaceId, milestoneId: id }, ctx);
    await platform.stripe!.emulator.control.completeCheckout((await payment()).stripe.checkoutSessionId as string, { outcome: 'success' });
    const milestone = async () => (await api().get(`${base}/${id}`).set(bearer(owner.token))).body;
    await eventually('funded', async () => (await milestone()).status === 'funded');
    await api().post(`${base}/${id}/submit`).set(bearer(owner.token)).send({ deliverableFileVersionId: randomUUID() });
    const dispute = `${base}/${id}/dispute`;
    return {
      id,
      workspaceId,
      client,
      viewer,
      payment,
      milestone,
      open: (who: SignedUpUser, body: object = {}) => api().post(dispute).set(bearer(who.token)).send(body),
      read: (who: SignedUpUser) => api().get(dispute).set(bearer(who.token)),
      evidence: (who: SignedUpUser, body: object) => api().post(`${dispute}/evidence`).set(bearer(who.token)).send(body),
      activity: async () =>
        (await api().get(`/api/v1/workspaces/${workspaceId}/activity?limit=200`).set(bearer(owner.token))).body.items as Array<{
          id: string;
          action: string;
          targetId: string;
          after: Record<string, unknown> | null;
        }>,
    };
  }

  const resolve = (disputeId: string, body: object, token = adminToken, reason: string | null = REASON) => {
    const req = api().post(`/api/v1/admin/disputes/${disputeId}/resolve`).set(bearer(token));
    return (reason ? req.set('X-Admin-Override-Reason', reason) : req).send(body);
  };

  async function expectInvariants(payment: PaymentView) {
    const [row] = await billingDb.query(`select * from orders where id = $1`, [payment.orderId]);
    expect(orderInvariantViolations(toOrder(row), payment.ledger)).toEqual([]);
  }

  /** Waits until billing has carried the decision out (nothing held, no refund pending) and answers the payment. */
  async function settled(m: Awaited<ReturnType<typeof disputable>>): Promise<PaymentView> {
    return eventually('money moved', async () => {
      const p = await m.payment();
      const held = p.money.charged - p.money.released - p.money.refunded;
      return held === 0 && p.refunds.every((r) => r.status === 'succeeded') ? p : null;
    });
  }

  const transfersOf = async (milestoneId: string) => (await stripe.transfers.list({ transfer_group: milestoneId, limit: 10 })).data;

  it('a client dispute with evidence from both sides, split by an admin: part refunded, the rest released with the fee on it', async () => {
    const amount = 10_000;
    const m = await disputable(amount);
    const opened = await m.open(m.client, { statement: 'Half of the screens are missing' });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ status: 'disputed', freezes: { dispute: { openedBy: m.client.userId } } });

    // Viewers read it; they add nothing.
    const read = await m.read(m.viewer);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      status: 'open',
      openedBy: m.client.userId,
      openedBySide: 'client',
      statement: 'Half of the screens are missing',
      currency: 'EUR',
      resolution: null,
      evidence: [],
    });
    expect(new Date(read.body.responseDueAt).getTime() - new Date(read.body.openedAt).getTime()).toBe(5 * 86_400_000);
    expect((await m.evidence(m.viewer, { statement: 'me too' })).status).toBe(403);

    // The freelancer answers with a file of the workspace, an activity entry and a message reference.
    const file = await uploadFile(platform.gatewayUrl, owner, m.workspaceId, 'screens.pdf', 'all the screens', 'application/pdf');
    const submittedEntry = (await m.activity()).find((a) => a.action === 'milestone.status_changed' && a.after?.command === 'submit')!;
    const messageId = randomUUID();
    const answer = await m.evidence(owner, {
      statement: 'Every screen was delivered, see the file',
      fileVersions: [file],
      activityIds: [submittedEntry.id],
      messageIds: [messageId],
    });
    expect(answer.status).toBe(201);
    const client = await m.evidence(m.client, { statement: 'Screens 4 to 9 are placeholders' });
    expect(client.status).toBe(201);
    expect(client.body.evidence).toEqual([
      expect.objectContaining({
        addedBy: owner.userId,
        side: 'freelancer',
        fileVersions: [file],
        activityIds: [submittedEntry.id],
        messageIds: [messageId],
      }),
      expect.objectContaining({ addedBy: m.client.userId, side: 'client', statement: 'Screens 4 to 9 are placeholders' }),
    ]);

    // The admin sees it among the open disputes, and in full.
    const list = await api().get('/api/v1/admin/disputes?limit=200').set(bearer(adminToken)).set('X-Admin-Override-Reason', REASON);
    expect(list.status).toBe(200);
    const listed = list.body.items.find((d: { milestoneId: string }) => d.milestoneId === m.id);
    expect(listed).toMatchObject({ status: 'open', evidenceCount: 2, amount, milestoneTitle: 'Disputed work', workspaceId: m.workspaceId });
    const disputeId = listed.id as string;
    const full = await api().get(`/api/v1/admin/disputes/${disputeId}`).set(bearer(adminToken)).set('X-Admin-Override-Reason', REASON);
    expect(full.status).toBe(200);
    expect(full.body.evidence).toHaveLength(2);

    // A split that does not sum to the escrow is refused and decides nothing.
    const bad = await resolve(disputeId, { outcome: 'split', releaseAmount: 6_000, refundAmount: 3_999 });
    expect([bad.status, bad.body.error.code]).toEqual([422, 'dispute_resolution_invalid']);
    expect((await m.read(m.client)).body.status).toBe('open');

    const decided = await resolve(disputeId, { outcome: 'split', releaseAmount: 6_000, refundAmount: 4_000 });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({
      status: 'resolved',
      resolution: {
        outcome: 'split',
        releaseAmount: 6_000,
        refundAmount: 4_000,
        resolvedBy: 'admin',
        adminUserId: admin.userId,
        overrideReason: REASON,
      },
    });

    const p = await settled(m);
    const fee = platformFee(6_000, 'free');
    expect(p.money).toMatchObject({ status: 'released', charged: amount, refunded: 4_000, released: 6_000, platformFee: fee });
    const charge = await stripe.charges.retrieve(p.stripe.chargeId as string);
    expect(charge.amount_refunded).toBe(4_000);
    const transfers = await transfersOf(m.id);
    expect(transfers.map((t) => t.amount)).toEqual([6_000 - fee]);
    expect(p.ledger.filter((e) => e.kind === 'refund').map((e) => e.amount)).toEqual([4_000]);
    expect(p.ledger.filter((e) => e.kind === 'transfer').map((e) => e.amount)).toEqual([6_000 - fee]);
    expect(p.refunds).toEqual([expect.objectContaining({ amount: 4_000, initiatedBy: 'dispute', afterRelease: false })]);
    await expectInvariants(p);

    await eventually('milestone follows the money', async () => ((await m.milestone()).status === 'released' ? true : null));
    expect((await m.milestone()).freezes).toEqual({ dispute: null, chargeback: false });
    const actions = (await m.activity()).filter((a) => a.targetId === disputeId).map((a) => a.action);
    expect(actions.sort()).toEqual(['dispute.evidence_added', 'dispute.evidence_added', 'dispute.opened', 'dispute.resolved']);

    // Decided: no more evidence, no second decision.
    expect((await m.evidence(m.client, { statement: 'one more thing' })).status).toBe(409);
    expect((await resolve(disputeId, { outcome: 'refund' })).status).toBe(409);
  });

  it('a freelancer-side dispute released in full by an admin: one transfer of the amount less the fee', async () => {
    const amount = 8_000;
    const m = await disputable(amount);
    expect((await m.open(owner, { statement: 'The client stopped answering' })).status).toBe(200);
    expect((await m.evidence(m.client, { statement: 'We were on holiday' })).status).toBe(201);
    expect((await m.evidence(owner, { messageIds: [randomUUID()] })).status).toBe(201);
    const disputeId = (await m.read(owner)).body.id as string;
    expect((await m.read(owner)).body.openedBySide).toBe('freelancer');

    const decided = await resolve(disputeId, { outcome: 'release' });
    expect(decided.status).toBe(200);
    expect(decided.body.resolution).toMatchObject({ outcome: 'release', releaseAmount: amount, refundAmount: 0 });
    const p = await settled(m);
    const fee = platformFee(amount, 'free');
    expect(p.money).toMatchObject({ status: 'released', released: amount, refunded: 0, platformFee: fee });
    expect((await transfersOf(m.id)).map((t) => t.amount)).toEqual([amount - fee]);
    expect((await stripe.charges.retrieve(p.stripe.chargeId as string)).amount_refunded).toBe(0);
    await expectInvariants(p);
    await eventually('released', async () => ((await m.milestone()).status === 'released' ? true : null));
  });

  it('a client dispute refunded in full by an admin; the decision delivered again moves no money', async () => {
    const amount = 5_000;
    const m = await disputable(amount);
    expect((await m.open(m.client)).status).toBe(200);
    expect((await m.evidence(owner, { statement: 'It was delivered' })).status).toBe(201);
    expect((await m.evidence(m.client, { statement: 'It was not' })).status).toBe(201);
    const disputeId = (await m.read(m.client)).body.id as string;

    expect((await resolve(disputeId, { outcome: 'refund' })).status).toBe(200);
    const p = await settled(m);
    expect(p.money).toMatchObject({ status: 'refunded', refunded: amount, released: 0, platformFee: 0 });
    expect((await stripe.charges.retrieve(p.stripe.chargeId as string)).amount_refunded).toBe(amount);
    expect(await transfersOf(m.id)).toEqual([]);
    await expectInvariants(p);
    await eventually('refunded', async () => ((await m.milestone()).status === 'refunded' ? true : null));

    // The same event again (a redelivery), and under a new message id (a republished copy).
    await tap.waitFor((events) => events.some((e) => e.body.aggregateId === m.id));
    const event = tap.events.find((e) => e.body.aggregateId === m.id)!.body as unknown as EventEnvelope<DisputeResolvedData>;
    expect(event.data.dispute).toMatchObject({ disputeId, outcome: 'refund', refundAmount: amount, releaseAmount: 0 });
    const copyId = randomUUID();
    const publisher = await BillingPublisher.connect(platform.amqpUrl);
    try {
      await publisher.publish(event);
      await publisher.publish({ ...event, id: copyId });
    } finally {
      await publisher.close();
    }
    await eventually('the copy consumed', async () => {
      const rows = await billingDb.query(`select 1 from inbox_messages where message_id = $1`, [copyId]);
      return rows.length === 1 ? true : null;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const after = await m.payment();
    expect(after.refunds).toHaveLength(1);
    expect(after.money.refunded).toBe(amount);
    expect((await stripe.refunds.list({ charge: p.stripe.chargeId as string })).data).toHaveLength(1);
    await expectInvariants(after);
  });

  it('refuses non-admins (403) and admins without a reason (400) before anything is read or decided', async () => {
    const m = await disputable(3_000);
    expect((await m.open(m.client)).status).toBe(200);
    const disputeId = (await m.read(m.client)).body.id as string;
    const audited = async () =>
      Number((await workspaceDb.query(`select count(*)::int as n from admin_access_audit where resource_ids ? $1`, [disputeId]))[0].n);

    for (const token of [owner.token, m.client.token]) {
      const list = await api().get('/api/v1/admin/disputes').set(bearer(token)).set('X-Admin-Override-Reason', REASON);
      const get = await api().get(`/api/v1/admin/disputes/${disputeId}`).set(bearer(token)).set('X-Admin-Override-Reason', REASON);
      const decide = await resolve(disputeId, { outcome: 'refund' }, token);
      expect([list.status, get.status, decide.status]).toEqual([403, 403, 403]);
      expect(list.body.error.code).toBe('not_platform_admin');
    }
    const list = await api().get('/api/v1/admin/disputes').set(bearer(adminToken));
    const get = await api().get(`/api/v1/admin/disputes/${disputeId}`).set(bearer(adminToken));
    const decide = await resolve(disputeId, { outcome: 'refund' }, adminToken, null);
    expect([list.status, get.status, decide.status]).toEqual([400, 400, 400]);
    expect(decide.body.error.code).toBe('admin_override_required');
    expect(await audited()).toBe(0);
    expect((await m.read(m.client)).body.status).toBe('open');
    expect((await m.payment()).money.refunded).toBe(0);

    // With the reason, the read is audited first.
    expect(
      (await api().get(`/api/v1/admin/disputes/${disputeId}`).set(bearer(adminToken)).set('X-Admin-Override-Reason', REASON)).status,
    ).toBe(200);
    expect(await audited()).toBe(1);
    expect(
      (await api().get(`/api/v1/admin/disputes/${randomUUID()}`).set(bearer(adminToken)).set('X-Admin-Override-Reason', REASON)).status,
    ).toBe(404);
  });

  it("keeps a dispute to its workspace: another tenant's members get 404; foreign or unfinished files and foreign activity are 422", async () => {
    const m = await disputable(2_000);
    expect((await m.open(m.client)).status).toBe(200);
    const outsiderClient = await inviteAndJoin(platform.gatewayUrl, outsider, outsiderWorkspace, 'client_admin');
    for (const who of [outsider, outsiderClient]) {
      const read = await m.read(who);
      const add = await m.evidence(who, { statement: 'let me in' });
      expect([read.status, read.body.error.code, add.status, add.body.error.code]).toEqual([
        404,
        'workspace_not_found',
        404,
        'workspace_not_found',
      ]);
    }
    // The other tenant's file version, and an activity entry of the other tenant.
    const foreign = await uploadFile(platform.gatewayUrl, outsider, outsiderWorkspace, 'theirs.txt', 'not yours', 'text/plain');
    const foreignFile = await m.evidence(owner, { fileVersions: [foreign] });
    expect([foreignFile.status, foreignFile.body.error.code]).toEqual([422, 'dispute_evidence_rejected']);
    const own = await uploadFile(platform.gatewayUrl, owner, m.workspaceId, 'ours.txt', 'ours', 'text/plain');
    expect((await m.evidence(owner, { fileVersions: [{ fileId: own.fileId, versionId: foreign.versionId }] })).status).toBe(422);
    const pending = await api()
      .post(`/api/v1/workspaces/${m.workspaceId}/files`)
      .set(bearer(owner.token))
      .send({ name: 'unfinished.txt', size: 3, contentType: 'text/plain' });
    expect(pending.status).toBe(201);
    const unfinished = await m.evidence(owner, { fileVersions: [{ fileId: pending.body.file.id, versionId: pending.body.version.id }] });
    expect([unfinished.status, unfinished.body.error.code]).toEqual([422, 'dispute_evidence_rejected']);
    const [{ id: foreignActivity }] = await workspaceDb.query(`select id::text from activity_log where workspace_id = $1 limit 1`, [
      outsiderWorkspace,
    ]);
    expect((await m.evidence(owner, { activityIds: [foreignActivity] })).status).toBe(422);
    // Malformed and empty evidence.
    expect((await m.evidence(owner, {})).status).toBe(400);
    expect((await m.evidence(owner, { messageIds: ['not-a-uuid'] })).status).toBe(400);
    expect((await m.evidence(owner, { statement: 'x'.repeat(5001) })).status).toBe(400);
    expect((await m.read(owner)).body.evidence).toEqual([]);
    // A milestone without a dispute.
    const none = await api().get(`/api/v1/workspaces/${m.workspaceId}/milestones/${randomUUID()}/dispute`).set(bearer(owner.token));
    expect(none.status).toBe(404);
  });

  it('the deadline: a silent side loses (client opened → refund, freelancer opened → release); an answered one waits for an admin', async () => {
    const clientOpened = await disputable(4_000);
    const ownerOpened = await disputable(6_000);
    const answered = await disputable(1_500);
    expect((await clientOpened.open(clientOpened.client, { statement: 'Never delivered' })).status).toBe(200);
    expect((await ownerOpened.open(owner, { statement: 'Approval withheld' })).status).toBe(200);
    expect((await answered.open(answered.client)).status).toBe(200);
    // Only the opener speaks in the first two; the freelancer answers the third.
    expect((await clientOpened.evidence(clientOpened.client, { statement: 'Still nothing' })).status).toBe(201);
    expect((await answered.evidence(owner, { statement: 'Here it is' })).status).toBe(201);

    const poller = platform.apps.workspace!.get(DisputeDeadlinePoller);
    clock.advanceDays(4);
    expect((await poller.runOnce()).resolved).toBe(0);
    clock.advanceDays(1.01);
    const round = await poller.runOnce();
    // These two and the earlier cases' disputes nobody answered (their clients opened them) are decided; the answered one waits.
    expect(round.resolved).toBeGreaterThanOrEqual(2);
    expect(round.awaitingAdmin).toBe(1);
    expect(await poller.runOnce()).toMatchObject({ resolved: 0, awaitingAdmin: 0 });

    const refunded = await settled(clientOpened);
    expect(refunded.money).toMatchObject({ status: 'refunded', refunded: 4_000, released: 0 });
    expect((await stripe.charges.retrieve(refunded.stripe.chargeId as string)).amount_refunded).toBe(4_000);
    await expectInvariants(refunded);
    expect((await clientOpened.read(owner)).body.resolution).toMatchObject({
      outcome: 'refund',
      resolvedBy: 'deadline',
      adminUserId: null,
    });

    const released = await settled(ownerOpened);
    const fee = platformFee(6_000, 'free');
    expect(released.money).toMatchObject({ status: 'released', released: 6_000, refunded: 0, platformFee: fee });
    expect((await transfersOf(ownerOpened.id)).map((t) => t.amount)).toEqual([6_000 - fee]);
    await expectInvariants(released);
    await eventually('statuses follow', async () =>
      (await clientOpened.milestone()).status === 'refunded' && (await ownerOpened.milestone()).status === 'released' ? true : null,
    );
    const deadlineEntry = (await ownerOpened.activity()).find((a) => a.action === 'dispute.deadline_passed');
    expect(deadlineEntry?.after).toMatchObject({ respondent: 'client', answered: false, next: 'client_loses' });

    // Answered in time: still open, now for an admin; no evidence after the deadline.
    const waiting = (await answered.read(owner)).body;
    expect(waiting).toMatchObject({ status: 'open', resolution: null });
    expect(waiting.deadlinePassedAt).toEqual(expect.any(String));
    const late = await answered.evidence(answered.client, { statement: 'Too late?' });
    expect([late.status, late.body.error.code]).toEqual([409, 'dispute_closed']);
    expect((await answered.payment()).money).toMatchObject({ status: 'held', refunded: 0, released: 0 });
    expect((await answered.milestone()).status).toBe('disputed');
  });
});
