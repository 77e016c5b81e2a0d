import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { BillingPaymentsRpc, PaymentView, platformFee, RpcContext } from '@fpms/contracts';
import { tapEvents } from '@fpms/testing/event-tap';
import { bearer, eventually, inParallel, signUp, SignedUpUser } from '@fpms/harness';
import { orderInvariantViolations } from '../../apps/billing/src/payments/order-invariants';
import { toOrder } from '../../apps/billing/src/payments/order';
import { Reconciliation } from '../../apps/billing/src/reconciliation/reconciliation.service';
import { BillingWorld, startBillingWorld } from './billing-world';

type Tap = Awaited<ReturnType<typeof tapEvents>>;

/**
 * Pay-now against the Stripe emulator, real PostgreSQL and RabbitMQ: an on-approval milestone
 * is never funded; once approved the client admin pays it with a destination charge (the
 * plan's fee as the application fee, the transfer to the freelancer made by Stripe), recorded
 * as charged and released at once. Refunds reverse the transfer and give back the fee; a
 * dropped checkout webhook is repaired by a reconciliation run. Every case ends with the
 * order invariants checked against its ledger.
 */
describe('billing: pay-now (on-approval milestones)', () => {
  let world: BillingWorld;
  let tap: Tap;
  let connectedAccountId: string;
  const api = () => request(world.platform.gatewayUrl);
  const emulator = () => world.platform.stripe!.emulator;

  beforeAll(async () => {
    world = await startBillingWorld({
      ownerName: 'Paula Paynow',
      env: {
        workspace: { DELIVERABLE_PINNING: 'off', REVIEW_TIMER_POLL_MS: '0' },
        billing: { REFUND_POLL_MS: '0', RECONCILE_INTERVAL_MS: '0', LOG_LEVEL: 'error' },
      },
    });
    tap = await tapEvents(['billing.milestone.*'], { amqpUrl: world.platform.amqpUrl });
    const [row] = await world.billingDb.query(`select stripe_account_id from connect_accounts where account_id = $1`, [
      world.owner.accountId,
    ]);
    connectedAccountId = row.stripe_account_id;
  }, 120_000);

  afterAll(async () => {
    await tap?.close();
    await world?.close();
  });

  const base = () => `/api/v1/workspaces/${world.workspaceId}/milestones`;
  const ctxOf = (user: SignedUpUser): RpcContext => ({
    requestId: randomUUID(),
    userId: user.userId,
    accountId: user.accountId,
    workspaceId: world.workspaceId,
    token: user.token,
  });
  const payment = (id: string): Promise<PaymentView> =>
    world.rpc.call(BillingPaymentsRpc.get, { workspaceId: world.workspaceId, milestoneId: id }, ctxOf(world.owner));
  const status = async (id: string) => (await api().get(`${base()}/${id}`).set(bearer(world.owner.token))).body.status as string;
  const pay = (id: string, who: SignedUpUser = world.client) => api().post(`${base()}/${id}/pay`).set(bearer(who.token)).send({});
  const eventsOf = (id: string) => tap.events.filter((e) => e.body.aggregateId === id);
  const refund = (id: string, body: object) => api().post(`${base()}/${id}/refunds`).set(bearer(world.owner.token)).send(body);

  async function expectInvariants(view: PaymentView) {
    const [row] = await world.billingDb.query(`select * from orders where id = $1`, [view.orderId]);
    expect(orderInvariantViolations(toOrder(row), view.ledger)).toEqual([]);
  }

  /** An on-approval milestone taken to `approved` (or only to `accepted`). */
  async function onApprovalMilestone(amount: number, until: 'accepted' | 'approved' = 'approved') {
    const created = await api()
      .post(base())
      .set(bearer(world.owner.token))
      .send({ title: 'Work paid on approval', amount, currency: 'EUR', billing: 'on_approval' });
    expect([created.status, created.body.billing]).toEqual([201, 'on_approval']);
    const id = created.body.id as string;
    expect((await api().post(`${base()}/${id}/propose`).set(bearer(world.owner.token)).send({})).status).toBe(200);
    expect((await api().post(`${base()}/${id}/accept`).set(bearer(world.client.token)).send({})).status).toBe(200);
    if (until === 'accepted') return id;
    const submitted = await api()
      .post(`${base()}/${id}/submit`)
      .set(bearer(world.owner.token))
      .send({ deliverableFileVersionId: randomUUID() });
    expect([submitted.status, submitted.body.status]).toEqual([200, 'submitted']);
    const approved = await api().post(`${base()}/${id}/approve`).set(bearer(world.client.token)).send({});
    expect([approved.status, approved.body.status]).toEqual([200, 'approved']);
    return id;
  }

  /** Paid through Checkout; waits until the workspace shows it released. */
  async function paidMilestone(amount: number) {
    const id = await onApprovalMilestone(amount);
    const opened = await pay(id);
    expect(opened.status).toBe(200);
    await emulator().control.completeCheckout((await payment(id)).stripe.checkoutSessionId as string, { outcome: 'success' });
    await eventually('released in the workspace', async () => (await status(id)) === 'released');
    return id;
  }

  it('takes an on-approval milestone from proposal to a destination charge, released at once, with its ledger and events', async () => {
    const amount = 12_000;
    const fee = platformFee(amount, 'free');
    const id = await onApprovalMilestone(amount);

    // Several clicks at once: one order, one session.
    const answers = await inParallel([1, 2, 3, 4], 4, () => pay(id));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.checkoutUrl)).size).toBe(1);
    const [{ attempts, orders }] = await world.billingDb.query(
      `select max(checkout_attempt)::int as attempts, count(*)::int as orders from orders where milestone_id = $1`,
      [id],
    );
    expect({ attempts, orders }).toEqual({ attempts: 1, orders: 1 });

    const before = await payment(id);
    expect(before).toMatchObject({ kind: 'pay_now', status: 'pending', amount, money: { charged: 0 } });
    const session = await world.stripe.checkout.sessions.retrieve(before.stripe.checkoutSessionId as string);
    expect(session).toMatchObject({ mode: 'payment', amount_total: amount, status: 'open' });

    // Every webhook from here on arrives three times, concurrently and out of order.
    const { webhookEndpoints } = world.platform.stripe!;
    await emulator().control.addWebhookFault(webhookEndpoints.platform, { mode: 'duplicate', copies: 2, concurrent: true });
    await emulator().control.addWebhookFault(webhookEndpoints.platform, { mode: 'shuffle', window: 5, seed: 3, flushAfterSeconds: 1 });
    await emulator().control.completeCheckout(session.id, { outcome: 'success' });
    await emulator().control.advanceClock(2);
    await emulator().control.drainWebhooks();
    await eventually('released in the workspace', async () => (await status(id)) === 'released');
    await emulator().control.clearWebhookFaults(webhookEndpoints.platform);

    // Stripe holds a destination charge: the fee as the application fee, the whole charge transferred to the freelancer.
    const intent = await world.stripe.paymentIntents.retrieve((await payment(id)).stripe.paymentIntentId as string);
    expect(intent).toMatchObject({ amount_received: amount, application_fee_amount: fee, on_behalf_of: null });
    expect(intent.transfer_data).toMatchObject({ destination: connectedAccountId });
    const charge = await world.stripe.charges.retrieve(intent.latest_charge as string);
    const transfer = await world.stripe.transfers.retrieve(charge.transfer as string);
    expect(transfer).toMatchObject({ amount, destination: connectedAccountId, source_transaction: charge.id, transfer_group: id });
    const destinationPayment = await world.stripe.charges.retrieve(
      transfer.destination_payment as string,
      {},
      { stripeAccount: connectedAccountId },
    );
    expect(destinationPayment).toMatchObject({ amount, application_fee_amount: fee });
    const applicationFee = await world.stripe.applicationFees.retrieve(charge.application_fee as string);
    expect(applicationFee).toMatchObject({ amount: fee, account: connectedAccountId, originating_transaction: charge.id });

    const view = await payment(id);
    expect(view).toMatchObject({
      kind: 'pay_now',
      status: 'released',
      money: { status: 'released', charged: amount, released: amount, platformFee: fee, refunded: 0, disputed: 0 },
      release: { status: 'released', transferId: transfer.id },
      stripe: { chargeId: charge.id, transferId: transfer.id, applicationFeeId: applicationFee.id },
      checkout: null,
    });
    // One charge however often the webhook came: charge, Stripe's fee, the freelancer's net transfer, the platform's fee.
    // (Entries of one transaction share a timestamp: compared in a fixed order.)
    const entries = view.ledger.map((e) => [e.kind, e.amount, e.stripeObjectId]).sort(([a], [b]) => String(a).localeCompare(String(b)));
    expect(entries.filter(([kind]) => kind !== 'stripe_fee')).toEqual([
      ['charge', amount, charge.id],
      ['platform_fee', fee, applicationFee.id],
      ['transfer', amount - fee, transfer.id],
    ]);
    expect(entries.filter(([kind]) => kind === 'stripe_fee')).toHaveLength(1);
    await expectInvariants(view);

    await tap.waitFor(() => eventsOf(id).length >= 2);
    await emulator().control.drainWebhooks();
    await new Promise((r) => setTimeout(r, 500));
    expect(eventsOf(id).map((e) => e.body.type)).toEqual(['billing.milestone.funded', 'billing.milestone.released']);
    // As for escrow: `amount` is what was released (gross), the freelancer's transfer being amount − platformFee.
    expect(eventsOf(id)[1].body.data).toMatchObject({
      amount,
      transferId: transfer.id,
      platformFee: fee,
      money: { status: 'released', charged: amount, released: amount, platformFee: fee },
    });

    const milestone = (await api().get(`${base()}/${id}`).set(bearer(world.client.token))).body;
    expect(milestone).toMatchObject({
      billing: 'on_approval',
      status: 'released',
      money: { charged: amount, released: amount, platformFee: fee },
    });
    // Dashboards follow: paid and released, nothing in escrow (the workspace's first money).
    const dashboard = async () =>
      (
        (await api().get(`/api/v1/workspaces/${world.workspaceId}/dashboard`).set(bearer(world.client.token))).body.money as Array<
          Record<string, unknown>
        >
      ).find((m) => m.currency === 'EUR');
    await eventually('dashboard follows', async () => ((await dashboard())?.released === amount ? true : null));
    expect(await dashboard()).toMatchObject({ paid: amount, released: amount, inEscrow: 0, refunded: 0 });
    // Paid once: paying again is refused.
    expect((await pay(id)).status).toBe(409);
  });

  it('refuses funding an on-approval milestone, paying before approval, an escrowed one, the wrong role and another tenant', async () => {
    const id = await onApprovalMilestone(5_000, 'accepted');
    const funded = await api().post(`${base()}/${id}/fund`).set(bearer(world.client.token)).send({});
    expect([funded.status, funded.body.error?.code]).toEqual([409, 'milestone_billed_on_approval']);
    const early = await pay(id);
    expect([early.status, early.body.error?.code, early.body.error?.details]).toEqual([
      409,
      'milestone_not_payable',
      { billing: 'on_approval', status: 'accepted' },
    ]);
    // The freelancer may submit without any money (on approval), and still nothing is payable until approved.
    await api().post(`${base()}/${id}/submit`).set(bearer(world.owner.token)).send({ deliverableFileVersionId: randomUUID() });
    expect((await pay(id)).status).toBe(409);
    await api().post(`${base()}/${id}/approve`).set(bearer(world.client.token)).send({});

    const wrongRole = await pay(id, world.owner);
    expect(wrongRole.status).toBe(403);
    const stranger = await signUp(world.platform.gatewayUrl, 'Other Tenant');
    const otherTenant = await pay(id, stranger);
    expect(otherTenant.status).toBe(404);
    const malformed = await api().post(`${base()}/not-a-uuid/pay`).set(bearer(world.client.token)).send({});
    // A malformed id names no milestone: 404 with a JSON error, never a 500.
    expect([malformed.status, typeof malformed.body.error?.code]).toEqual([404, 'string']);
    expect((await api().post(`${base()}/${id}/pay`).send({})).status).toBe(401);
    const badMode = await api()
      .post(base())
      .set(bearer(world.owner.token))
      .send({ title: 'x', amount: 100, currency: 'EUR', billing: 'later' });
    expect([badMode.status, badMode.body.error?.code]).toEqual([400, 'validation_failed']);
    const [{ n }] = await world.billingDb.query(`select count(*)::int as n from orders where milestone_id = $1`, [id]);
    expect(n).toBe(0);

    const escrowed = await api().post(base()).set(bearer(world.owner.token)).send({ title: 'Escrowed', amount: 3_000, currency: 'EUR' });
    expect(escrowed.body.billing).toBe('escrow');
    const notPayNow = await pay(escrowed.body.id);
    expect([notPayNow.status, notPayNow.body.error?.code]).toEqual([409, 'milestone_not_payable']);
  });

  it('refunds a pay-now payment partially and then fully with reverse_transfer and refund_application_fee', async () => {
    const amount = 10_000;
    const fee = platformFee(amount, 'free');
    const id = await paidMilestone(amount);
    const paid = await payment(id);
    const transferId = paid.stripe.transferId as string;

    const partial = await refund(id, { amount: 4_000, reason: 'half the scope' });
    expect(partial.status).toBe(201);
    const feeReturned = Math.round((4_000 * fee) / amount);
    const feeAfter = fee - feeReturned;
    expect(partial.body).toMatchObject({ status: 'succeeded', amount: 4_000, afterRelease: true, reversalAmount: 4_000 - feeReturned });
    const stripeRefund = await world.stripe.refunds.retrieve(partial.body.stripe.refundId as string);
    expect(stripeRefund).toMatchObject({ amount: 4_000, charge: paid.stripe.chargeId });
    const reversal = await world.stripe.transfers.retrieveReversal(transferId, stripeRefund.transfer_reversal as string);
    expect(reversal).toMatchObject({ amount: 4_000, source_refund: stripeRefund.id });
    expect(await world.stripe.applicationFees.retrieve(paid.stripe.applicationFeeId as string)).toMatchObject({
      amount: fee,
      amount_refunded: feeReturned,
    });
    const afterPartial = await payment(id);
    expect(afterPartial.money).toMatchObject({
      status: 'released',
      charged: amount,
      released: 6_000,
      refunded: 4_000,
      platformFee: feeAfter,
    });
    expect(afterPartial.ledger.filter((e) => e.kind === 'reversal').map((e) => [e.amount, e.stripeObjectId])).toEqual([
      [4_000 - feeReturned, reversal.id],
    ]);
    await expectInvariants(afterPartial);

    const tooMuch = await refund(id, { amount: 6_001 });
    expect([tooMuch.status, tooMuch.body.error?.code, tooMuch.body.error?.details?.remaining]).toEqual([
      409,
      'refund_exceeds_remaining',
      6_000,
    ]);

    const rest = await refund(id, {});
    expect(rest.body).toMatchObject({ status: 'succeeded', amount: 6_000, reversalAmount: 6_000 - feeAfter });
    const final = await payment(id);
    expect(final.money).toMatchObject({ status: 'refunded', released: 0, refunded: amount, platformFee: 0 });
    expect(await world.stripe.transfers.retrieve(transferId)).toMatchObject({ amount_reversed: amount, reversed: true });
    expect(await world.stripe.applicationFees.retrieve(paid.stripe.applicationFeeId as string)).toMatchObject({
      amount_refunded: fee,
      refunded: true,
    });
    expect((await world.stripe.charges.retrieve(final.stripe.chargeId as string)).amount_refunded).toBe(amount);
    await expectInvariants(final);
    await eventually('refunded in the workspace', async () => (await status(id)) === 'refunded');
    await tap.waitFor(() => eventsOf(id).length >= 4);
    expect(eventsOf(id).map((e) => e.body.type)).toEqual([
      'billing.milestone.funded',
      'billing.milestone.released',
      'billing.milestone.refunded',
      'billing.milestone.refunded',
    ]);
    expect(eventsOf(id)[2].body.data).toMatchObject({
      amount: 4_000,
      afterRelease: true,
      money: { released: 6_000, platformFee: feeAfter },
    });
  });

  it("accepts the client's refund request on a paid pay-now milestone", async () => {
    const amount = 8_000;
    const id = await paidMilestone(amount);
    const asked = await api().post(`${base()}/${id}/request-refund`).set(bearer(world.client.token)).send({});
    expect([asked.status, asked.body.status]).toEqual([200, 'refund_requested']);
    await eventually('request recorded', async () => ((await payment(id)).refundRequest?.status === 'open' ? true : null));
    const accepted = await api().post(`${base()}/${id}/refund-request/accept`).set(bearer(world.owner.token)).send({});
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', refund: { status: 'succeeded', amount } });
    const view = await payment(id);
    expect(view.money).toMatchObject({ status: 'refunded', refunded: amount, released: 0, platformFee: 0 });
    expect(await world.stripe.transfers.retrieve(view.stripe.transferId as string)).toMatchObject({ amount_reversed: amount });
    await expectInvariants(view);
    await eventually('refunded in the workspace', async () => (await status(id)) === 'refunded');
  });

  it('keeps the ledger whole through a lost chargeback on a pay-now payment', async () => {
    const amount = 6_000;
    const id = await paidMilestone(amount);
    const chargeId = (await payment(id)).stripe.chargeId as string;
    const dispute = await emulator().control.openDispute(chargeId, { reason: 'fraudulent' });
    await eventually('disputed', async () => ((await payment(id)).money.disputed === amount ? true : null));
    await emulator().control.closeDispute(dispute.id, 'lost');
    await eventually('dispute lost', async () => ((await payment(id)).money.refunded === amount ? true : null));
    const view = await payment(id);
    expect(view.money).toMatchObject({ status: 'refunded', disputed: 0, refunded: amount, released: 0, platformFee: 0 });
    await expectInvariants(view);
  });

  it('repairs a pay-now order whose checkout webhook was dropped with one reconciliation run', async () => {
    const amount = 9_000;
    const fee = platformFee(amount, 'free');
    const id = await onApprovalMilestone(amount);
    expect((await pay(id)).status).toBe(200);
    const { webhookEndpoints } = world.platform.stripe!;
    await emulator().control.addWebhookFault(webhookEndpoints.platform, { mode: 'drop', eventTypes: ['checkout.session.completed'] });
    await emulator().control.completeCheckout((await payment(id)).stripe.checkoutSessionId as string, { outcome: 'success' });
    await emulator().control.drainWebhooks();
    await emulator().control.clearWebhookFaults(webhookEndpoints.platform);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await payment(id)).money.charged).toBe(0);
    expect(await status(id)).toBe('approved');

    const run = await world.platform.apps.billing!.get(Reconciliation).run('cli');
    expect(run).toMatchObject({ status: 'completed', leftForHuman: 0 });
    expect(run.repaired).toBeGreaterThanOrEqual(1);
    const view = await payment(id);
    expect(view.money).toMatchObject({ status: 'released', charged: amount, released: amount, platformFee: fee });
    expect(view.ledger.filter((e) => e.kind === 'charge')).toHaveLength(1);
    await expectInvariants(view);
    await eventually('released in the workspace', async () => (await status(id)) === 'released');

    const second = await world.platform.apps.billing!.get(Reconciliation).run('cli');
    expect(second).toMatchObject({ status: 'completed', repaired: 0, leftForHuman: 0 });
    expect(second.drift.amount_mismatch.count + second.drift.state_mismatch.count).toBe(0);
  });
});
