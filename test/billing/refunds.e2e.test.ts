import { randomUUID } from 'node:crypto';
import request from 'supertest';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { BillingPaymentsRpc, PaymentView, platformFee, RpcContext } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { tapEvents } from '@fpms/testing/event-tap';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  eventually,
  inParallel,
  inviteAndJoin,
  MutableClock,
  onboardToConnect,
  RunningPlatform,
  grantPlan,
  signUp,
  SignedUpUser,
  startPlatform,
} from '@fpms/harness';
import { orderInvariantViolations } from '../../apps/billing/src/payments/order-invariants';
import { toOrder } from '../../apps/billing/src/payments/order';
import { RefundsWorker } from '../../apps/billing/src/refunds/refunds.worker';

type Tap = Awaited<ReturnType<typeof tapEvents>>;

/**
 * Refunds against the Stripe emulator, real PostgreSQL and RabbitMQ: before release (a refund
 * of the charge) and after it (the transfer reversed with the platform fee's share, then the
 * refund), full and partial; too much → 409 and nothing moves; the client's refund request
 * accepted automatically when the owner lets the window pass. Every case ends with the order
 * invariants checked against its ledger.
 */
describe('billing: refunds', () => {
  const clock = new MutableClock(new Date());
  let platform: RunningPlatform;
  let stripe: Stripe;
  let billingDb: DataSource;
  let rpc: RpcClient;
  let tap: Tap;
  let owner: SignedUpUser;
  const api = () => request(platform.gatewayUrl);

  beforeAll(async () => {
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'billing'],
      clock,
      env: { workspace: { DELIVERABLE_PINNING: 'off', REVIEW_TIMER_POLL_MS: '0' }, billing: { REFUND_POLL_MS: '0' } },
    });
    stripe = new Stripe(platform.stripe!.emulator.apiKey, platform.stripe!.emulator.stripeConfig);
    billingDb = await connectServiceDb('billing', 'system', platform.dbPrefix);
    rpc = new RpcClient({ url: platform.amqpUrl });
    tap = await tapEvents(['billing.milestone.refunded'], { amqpUrl: platform.amqpUrl });
    owner = await signUp(platform.gatewayUrl, 'Rita Refunder');
    // A workspace per case: more than the free plan's three.
    await grantPlan(platform, owner.accountId, 'enterprise', ['workspace']);
    await onboardToConnect(platform.gatewayUrl, owner);
  });

  afterAll(async () => {
    await tap?.close();
    await rpc?.close();
    await billingDb?.destroy();
    await platform?.close();
  });

  /** A workspace of its own per case, so its dashboard shows only that case's money. */
  async function fundedMilestone(amount: number) {
    const workspaceId = (await createWorkspace(platform.gatewayUrl, owner)).id;
    const client = await inviteAndJoin(platform.gatewayUrl, owner, workspaceId, 'client_admin');
    const base = `/api/v1/workspaces/${workspaceId}/milestones`;
    const created = await api().post(base).set(bearer(owner.token)).send({ title: 'Refundable work', amount, currency: 'EUR' });
    const id = created.body.id as string;
    await api().post(`${base}/${id}/propose`).set(bearer(owner.token)).send({});
    await api().post(`${base}/${id}/accept`).set(bearer(client.token)).send({});
    const ctx: RpcContext = { requestId: randomUUID(), userId: owner.userId, accountId: owner.accountId, workspaceId, token: owner.token };
    const clientCtx: RpcContext = { ...ctx, userId: client.userId, accountId: client.accountId, token: client.token };
    await rpc.call(BillingPaymentsRpc.fund, { workspaceId, milestoneId: id }, clientCtx);
    const payment = (): Promise<PaymentView> => rpc.call(BillingPaymentsRpc.get, { workspaceId, milestoneId: id }, ctx);
    await platform.stripe!.emulator.control.completeCheckout((await payment()).stripe.checkoutSessionId as string, { outcome: 'success' });
    const status = async () => (await api().get(`${base}/${id}`).set(bearer(owner.token))).body.status as string;
    await eventually('funded', async () => (await status()) === 'funded');
    const dashboard = async () =>
      (
        (await api().get(`/api/v1/workspaces/${workspaceId}/dashboard`).set(bearer(client.token))).body.money as Array<
          Record<string, unknown>
        >
      ).find((m) => m.currency === 'EUR');
    const release = async () => {
      await api().post(`${base}/${id}/submit`).set(bearer(owner.token)).send({ deliverableFileVersionId: randomUUID() });
      expect((await api().post(`${base}/${id}/approve`).set(bearer(client.token)).send({})).status).toBe(200);
      await eventually('released', async () => ((await payment()).release.status === 'released' ? true : null));
      await eventually('workspace released', async () => (await status()) === 'released');
    };
    const refund = (body: object, who = owner) => api().post(`${base}/${id}/refunds`).set(bearer(who.token)).send(body);
    return { id, workspaceId, client, base, payment, status, dashboard, release, refund };
  }

  async function expectInvariants(payment: PaymentView) {
    const [row] = await billingDb.query(`select * from orders where id = $1`, [payment.orderId]);
    expect(orderInvariantViolations(toOrder(row), payment.ledger)).toEqual([]);
  }

  const refundEvents = (milestoneId: string) => tap.events.filter((e) => e.body.aggregateId === milestoneId).map((e) => e.body.data);

  it('refunds part of the payment before release, then releases the rest with the fee on what is left', async () => {
    const amount = 10_000;
    const m = await fundedMilestone(amount);
    const refunded = await m.refund({ amount: 4_000, reason: 'scope reduced' });
    expect(refunded.status).toBe(201);
    expect(refunded.body).toMatchObject({
      status: 'succeeded',
      amount: 4_000,
      afterRelease: false,
      reversalAmount: null,
      initiatedBy: 'owner',
    });

    const charge = await stripe.charges.retrieve((await m.payment()).stripe.chargeId as string);
    expect(charge.amount_refunded).toBe(4_000);
    const stripeRefund = await stripe.refunds.retrieve(refunded.body.stripe.refundId as string);
    expect(stripeRefund).toMatchObject({ amount: 4_000, charge: charge.id, metadata: { refundId: refunded.body.id } });

    const view = await m.payment();
    expect(view.money).toMatchObject({ status: 'held', charged: amount, released: 0, refunded: 4_000, platformFee: 0 });
    expect(view.ledger.filter((e) => e.kind === 'refund').map((e) => [e.amount, e.stripeObjectId])).toEqual([[4_000, stripeRefund.id]]);
    expect(view.refunds).toEqual([
      expect.objectContaining({ id: refunded.body.id, status: 'succeeded', amount: 4_000, reason: 'scope reduced' }),
    ]);
    await tap.waitFor(() => refundEvents(m.id).length === 1);
    expect(refundEvents(m.id)[0]).toMatchObject({
      amount: 4_000,
      afterRelease: false,
      refundId: stripeRefund.id,
      money: { status: 'held', refunded: 4_000 },
    });
    await eventually('dashboard follows', async () => ((await m.dashboard())?.refunded === 4_000 ? true : null));
    expect(await m.dashboard()).toMatchObject({ paid: amount, inEscrow: 6_000, refunded: 4_000, released: 0, contracted: 6_000 });
    expect(await m.status()).toBe('funded');
    await expectInvariants(view);

    await m.release();
    const released = await m.payment();
    const fee = platformFee(6_000, 'free');
    expect(released.money).toMatchObject({ status: 'released', released: 6_000, refunded: 4_000, platformFee: fee });
    expect((await stripe.transfers.retrieve(released.stripe.transferId as string)).amount).toBe(6_000 - fee);
    await expectInvariants(released);
  });

  it('refunds everything before release: the milestone shows refunded', async () => {
    const amount = 7_500;
    const m = await fundedMilestone(amount);
    const refunded = await m.refund({});
    expect(refunded.body).toMatchObject({ status: 'succeeded', amount, afterRelease: false });
    const view = await m.payment();
    expect(view.money).toMatchObject({ status: 'refunded', refunded: amount, released: 0 });
    expect((await stripe.charges.retrieve(view.stripe.chargeId as string)).refunded).toBe(true);
    await eventually('refunded in the workspace', async () => (await m.status()) === 'refunded');
    await eventually('dashboard follows', async () => ((await m.dashboard())?.refunded === amount ? true : null));
    expect(await m.dashboard()).toMatchObject({ paid: amount, inEscrow: 0, refunded: amount, contracted: 0 });
    await expectInvariants(view);
  });

  it('after release: reverses the transfer with the fee share, then refunds, partially and then fully', async () => {
    const amount = 20_000;
    const m = await fundedMilestone(amount);
    await m.release();
    const fee = platformFee(amount, 'free');
    const transferId = (await m.payment()).stripe.transferId as string;

    const partial = await m.refund({ amount: 5_000 });
    expect(partial.status).toBe(201);
    // The platform keeps its fee only on what stays released: 15,000 × fee / 20,000, rounded down.
    const feeAfter = Math.floor((fee * 15_000) / amount);
    const reversal = amount - fee - (15_000 - feeAfter);
    expect(partial.body).toMatchObject({ status: 'succeeded', amount: 5_000, afterRelease: true, reversalAmount: reversal });
    const reversals = await stripe.transfers.listReversals(transferId);
    expect(reversals.data.map((r) => r.amount)).toEqual([reversal]);
    expect(reversals.data[0].metadata).toMatchObject({ refundId: partial.body.id });
    expect((await stripe.refunds.retrieve(partial.body.stripe.refundId as string)).amount).toBe(5_000);

    const afterPartial = await m.payment();
    expect(afterPartial.money).toMatchObject({
      status: 'released',
      charged: amount,
      released: 15_000,
      refunded: 5_000,
      platformFee: feeAfter,
    });
    const kinds = (view: PaymentView, kind: string) => view.ledger.filter((e) => e.kind === kind).map((e) => e.amount);
    expect(kinds(afterPartial, 'reversal')).toEqual([reversal]);
    expect(kinds(afterPartial, 'refund')).toEqual([5_000]);
    await tap.waitFor(() => refundEvents(m.id).length === 1);
    expect(refundEvents(m.id)[0]).toMatchObject({ amount: 5_000, afterRelease: true, money: { released: 15_000, platformFee: feeAfter } });
    await eventually('dashboard follows', async () => ((await m.dashboard())?.refunded === 5_000 ? true : null));
    expect(await m.dashboard()).toMatchObject({ paid: amount, released: 15_000, refunded: 5_000, inEscrow: 0 });
    expect(await m.status()).toBe('released');
    await expectInvariants(afterPartial);

    const rest = await m.refund({});
    expect(rest.body).toMatchObject({ status: 'succeeded', amount: 15_000, afterRelease: true, reversalAmount: 15_000 - feeAfter });
    const final = await m.payment();
    expect(final.money).toMatchObject({ status: 'refunded', released: 0, refunded: amount, platformFee: 0 });
    expect((await stripe.transfers.retrieve(transferId)).amount_reversed).toBe(amount - fee);
    expect((await stripe.charges.retrieve(final.stripe.chargeId as string)).amount_refunded).toBe(amount);
    await tap.waitFor(() => refundEvents(m.id).length === 2);
    await eventually('refunded in the workspace', async () => (await m.status()) === 'refunded');
    await eventually('dashboard follows', async () => ((await m.dashboard())?.refunded === amount ? true : null));
    expect(await m.dashboard()).toMatchObject({ paid: amount, released: 0, refunded: amount, inEscrow: 0 });
    await expectInvariants(final);
  });

  it('keeps a refund Stripe could not finish pending and visible, counts it against what is left, and retries it once', async () => {
    const amount = 6_000;
    const m = await fundedMilestone(amount);
    await m.release();
    const transferId = (await m.payment()).stripe.transferId as string;
    // The reversal goes through; the refund call fails until Stripe recovers.
    await platform.stripe!.emulator.control.addApiFault({ status: 500, count: 1000, method: 'POST', path_prefix: '/v1/refunds' });
    const pending = await m.refund({ amount: 2_000 });
    expect(pending.status).toBe(201);
    expect(pending.body).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/^Stripe/), afterRelease: true });
    expect(pending.body.stripe.reversalId).toEqual(expect.any(String));
    const during = await m.payment();
    expect(during.money).toMatchObject({ released: amount, refunded: 0 });
    expect(during.ledger.filter((e) => e.kind === 'refund' || e.kind === 'reversal')).toEqual([]);
    // What the pending refund will take is already spoken for.
    const tooMuch = await m.refund({ amount: 4_001 });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error.details).toMatchObject({ remaining: 4_000 });

    await platform.stripe!.emulator.control.clearApiFaults();
    clock.advance(10 * 60_000);
    expect(await platform.apps.billing!.get(RefundsWorker).runOnce()).toMatchObject({ refunded: 1, deferred: 0 });
    const done = await m.payment();
    expect(done.money).toMatchObject({ status: 'released', released: 4_000, refunded: 2_000 });
    expect((await stripe.transfers.listReversals(transferId)).data.map((r) => r.id)).toEqual([pending.body.stripe.reversalId]);
    expect((await stripe.refunds.list({ charge: done.stripe.chargeId as string })).data.map((r) => r.amount)).toEqual([2_000]);
    expect(await platform.apps.billing!.get(RefundsWorker).runOnce()).toMatchObject({ refunded: 0, deferred: 0 });
    await tap.waitFor(() => refundEvents(m.id).length === 1);
    await expectInvariants(done);
  });

  it('refuses a refund larger than what is left with 409, and nothing changes', async () => {
    const amount = 3_000;
    const m = await fundedMilestone(amount);
    await m.refund({ amount: 1_000 });
    const before = await m.payment();
    const refused = await m.refund({ amount: 2_001 });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'refund_exceeds_remaining', details: { requested: 2_001, remaining: 2_000 } });
    const after = await m.payment();
    expect(after.money).toEqual(before.money);
    expect(after.ledger).toEqual(before.ledger);
    expect(after.version).toBe(before.version);
    expect((await stripe.refunds.list({ charge: after.stripe.chargeId as string })).data).toHaveLength(1);
    // Not a float, not zero; only the owner (the client requests instead).
    expect((await m.refund({ amount: 10.5 })).status).toBe(400);
    expect((await m.refund({ amount: 500 }, m.client)).status).toBe(403);
    await expectInvariants(after);
  });

  it('lets only one of two concurrent refunds through when together they exceed the payment', async () => {
    const m = await fundedMilestone(10_000);
    const answers = await inParallel([6_000, 6_000], 2, (amount) => m.refund({ amount }));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const view = await m.payment();
    expect(view.money).toMatchObject({ refunded: 6_000 });
    expect((await stripe.refunds.list({ charge: view.stripe.chargeId as string })).data.map((r) => r.amount)).toEqual([6_000]);
    await expectInvariants(view);
  });

  it('accepts an unanswered refund request once the window has passed', async () => {
    const amount = 9_900;
    const m = await fundedMilestone(amount);
    expect((await api().post(`${m.base}/${m.id}/request-refund`).set(bearer(m.client.token)).send({})).status).toBe(200);
    const worker = platform.apps.billing!.get(RefundsWorker);
    await eventually('request recorded', async () => {
      const [row] = await billingDb.query(`select status from refund_requests where milestone_id = $1`, [m.id]);
      return row?.status === 'open' ? true : null;
    });
    const opened = (await m.payment()).refundRequest;
    expect(opened).toMatchObject({ status: 'open', requestedBy: m.client.userId });
    expect(Date.parse(opened!.dueAt) - Date.parse(opened!.requestedAt)).toBe(7 * 86_400_000);
    clock.advanceDays(6);
    expect((await worker.runOnce()).autoAccepted).toBe(0);
    expect((await m.payment()).money.refunded).toBe(0);

    clock.advanceDays(2);
    expect(await worker.runOnce()).toMatchObject({ autoAccepted: 1, refunded: 1 });
    const view = await m.payment();
    expect(view.money).toMatchObject({ status: 'refunded', refunded: amount });
    expect((await stripe.charges.retrieve(view.stripe.chargeId as string)).amount_refunded).toBe(amount);
    expect(view.refundRequest).toMatchObject({ status: 'accepted', decidedBy: 'auto', refundId: view.refunds[0].id });
    expect(view.refunds).toEqual([expect.objectContaining({ initiatedBy: 'auto', amount, status: 'succeeded' })]);
    await eventually('refunded in the workspace', async () => (await m.status()) === 'refunded');
    await tap.waitFor(() => refundEvents(m.id).length === 1);
    expect((await api().post(`${m.base}/${m.id}/refund-request/accept`).set(bearer(owner.token)).send({})).status).toBe(409);
    await expectInvariants(view);
  });

  it('lets the owner contest a refund request: no money moves and it is not accepted later', async () => {
    const m = await fundedMilestone(4_200);
    await api().post(`${m.base}/${m.id}/request-refund`).set(bearer(m.client.token)).send({});
    await eventually('request recorded', async () => {
      const [row] = await billingDb.query(`select status from refund_requests where milestone_id = $1`, [m.id]);
      return row?.status === 'open' ? true : null;
    });
    const contested = await api().post(`${m.base}/${m.id}/refund-request/contest`).set(bearer(owner.token)).send({ note: 'delivered' });
    expect(contested.status).toBe(200);
    expect(contested.body).toMatchObject({ status: 'contested' });
    clock.advanceDays(30);
    expect((await platform.apps.billing!.get(RefundsWorker).runOnce()).autoAccepted).toBe(0);
    expect((await m.payment()).money.refunded).toBe(0);
    expect(await m.status()).toBe('refund_requested');
  });
});
