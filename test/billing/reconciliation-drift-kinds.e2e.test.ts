import { randomUUID } from 'node:crypto';
import request from 'supertest';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { BillingEvents, BillingPaymentsRpc, ReconciliationRunView, RpcContext } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { bearer, connectServiceDb, eventually, inParallel, RunningPlatform, signUp, SignedUpUser } from '@fpms/harness';
import { BillingWorld, startBillingWorld } from './billing-world';
import { checkLedgerInvariantsAfterEach } from './ledger-invariants';

const REASON = 'reconciling refunds, chargebacks and Connect accounts';
const REFUND_AND_DISPUTE_EVENTS = [
  'charge.refunded',
  'refund.created',
  'refund.updated',
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
];
const DASHBOARD_REFUND = 2_500;

/**
 * Reconciliation of refunds, chargebacks and Connect accounts whose webhooks were lost: a
 * refund made on Stripe's Dashboard and disputes (left open, won, lost) whose events never
 * arrived are found and applied through the webhook handlers, reported by kind with their
 * amounts; a chargeback amount that differs from Stripe's and a refund on money already
 * released are flagged for a human and left as they are; a lost `account.updated` is
 * repaired from the connected account's own event list.
 */
describe('billing: reconciliation of refunds, chargebacks and Connect accounts', () => {
  let world: BillingWorld;
  let platform: RunningPlatform;
  let billingDb: DataSource;
  let rpc: RpcClient;
  let stripe: Stripe;
  let owner: SignedUpUser;
  let client: SignedUpUser;
  let adminToken: string;
  let workspaceId: string;
  const api = () => request(platform.gatewayUrl);
  const base = () => `/api/v1/workspaces/${workspaceId}/milestones`;
  const reconcile = async () => {
    const res = await api()
      .post('/api/v1/admin/billing/reconciliations')
      .set(bearer(adminToken))
      .set('X-Admin-Override-Reason', REASON)
      .send({});
    expect(res.status).toBe(201);
    return res.body as ReconciliationRunView;
  };
  const order = async (milestoneId: string) =>
    (await billingDb.query(`select * from orders where milestone_id = $1`, [milestoneId]))[0] as Record<string, string | null>;
  const allWebhooksProcessed = () =>
    eventually(
      'every stored webhook processed',
      async () => {
        const [{ n }] = await billingDb.query(
          `select count(*)::int as n from stripe_webhook_events where status not in ('processed', 'ignored')`,
        );
        return n === 0;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );

  beforeAll(async () => {
    ({ platform, stripe, billingDb, rpc, owner, client, workspaceId } = world = await startBillingWorld({
      ownerName: 'Drifting Freelancer',
      env: {
        // Generous RPC timeouts: the storm loads a shared machine; a slow answer is not what is tested here.
        billing: { LOG_LEVEL: 'error', RECONCILE_INTERVAL_MS: '0', CHARGEBACK_EVIDENCE_POLL_MS: '0', RPC_TIMEOUT_MS: '20000' },
        workspace: { DELIVERABLE_PINNING: 'off', RPC_TIMEOUT_MS: '20000' },
        gateway: { RPC_TIMEOUT_MS: '20000' },
      },
    }));
    const admin = await signUp(platform.gatewayUrl, 'Drift Admin');
    const gatewayDb = await connectServiceDb('gateway', 'system', platform.dbPrefix);
    await gatewayDb.query(`update users set is_platform_admin = true where id = $1`, [admin.userId]);
    await gatewayDb.destroy();
    adminToken = (await api().post('/api/v1/auth/login').send({ email: admin.email, password: admin.password })).body.accessToken;
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  checkLedgerInvariantsAfterEach(() => billingDb);

  async function funded(title: string, amount: number): Promise<{ id: string; amount: number; chargeId: string }> {
    const ctx: RpcContext = {
      requestId: randomUUID(),
      userId: client.userId,
      accountId: client.accountId,
      workspaceId,
      token: client.token,
    };
    const created = await api().post(base()).set(bearer(owner.token)).send({ title, amount, currency: 'USD' });
    const id = created.body.id as string;
    await api().post(`${base()}/${id}/propose`).set(bearer(owner.token)).send({});
    await api().post(`${base()}/${id}/accept`).set(bearer(client.token)).send({});
    await rpc.call(BillingPaymentsRpc.fund, { workspaceId, milestoneId: id }, ctx);
    await platform.stripe!.emulator.control.completeCheckout((await order(id)).checkout_session_id as string, { outcome: 'success' });
    await eventually('funded', async () => (await order(id)).status === 'held');
    return { id, amount, chargeId: (await order(id)).charge_id as string };
  }

  it('repairs lost refund and dispute webhooks through their handlers and flags what it must not overwrite', async () => {
    const { emulator, webhookEndpoints } = platform.stripe!;
    const [refundedOnDashboard, openDispute, lostDispute, wonDispute, misrecorded, released] = await inParallel(
      ['dashboard refund', 'open dispute', 'lost dispute', 'won dispute', 'misrecorded dispute', 'released then refunded on Stripe'],
      3,
      (title, i) => funded(title, 30_000 + i * 1_000),
    );

    // Before the outage: a chargeback billing saw (its recorded amount then altered), and a release refunded on the Dashboard.
    await emulator.control.openDispute(misrecorded.chargeId, { reason: 'fraudulent' });
    await eventually('chargeback recorded', async () => Number((await order(misrecorded.id)).disputed) === misrecorded.amount);
    await billingDb.query(`update chargebacks set amount = amount - 100 where order_id = $1`, [(await order(misrecorded.id)).id]);
    await api().post(`${base()}/${released.id}/submit`).set(bearer(owner.token)).send({ deliverableFileVersionId: randomUUID() });
    await api().post(`${base()}/${released.id}/approve`).set(bearer(client.token)).send({});
    await eventually('released', async () => (await order(released.id)).transfer_id !== null, { timeoutMs: 30_000 });
    const orphan = await stripe.refunds.create({ charge: released.chargeId, amount: 1_000 });
    await emulator.control.drainWebhooks();
    await allWebhooksProcessed();
    expect(Number((await order(released.id)).refunded)).toBe(0); // a refund on released money is not placed

    // The outage: every refund and dispute event is lost for good.
    await emulator.control.addWebhookFault(webhookEndpoints.platform, { mode: 'drop', eventTypes: REFUND_AND_DISPUTE_EVENTS });
    const outageStart = await emulator.control.now();
    const dashboardRefund = await stripe.refunds.create({ charge: refundedOnDashboard.chargeId, amount: DASHBOARD_REFUND });
    const opened = await emulator.control.openDispute(openDispute.chargeId, { reason: 'fraudulent' });
    const lost = await emulator.control.openDispute(lostDispute.chargeId, { reason: 'product_not_received' });
    await emulator.control.closeDispute(lost.id, 'lost');
    const won = await emulator.control.openDispute(wonDispute.chargeId, { reason: 'duplicate' });
    await emulator.control.closeDispute(won.id, 'won');
    await emulator.control.drainWebhooks();
    await emulator.control.clearWebhookFaults(webhookEndpoints.platform);
    await allWebhooksProcessed();
    const droppedIds = [
      ...new Set(
        (await emulator.control.deliveries({ endpoint: webhookEndpoints.platform }))
          .filter((d) => d.state === 'dropped')
          .map((d) => d.eventId),
      ),
    ];
    const dropped = await inParallel(droppedIds, 5, (id) => stripe.events.retrieve(id));
    expect(dropped.every((e) => e.created >= outageStart && REFUND_AND_DISPUTE_EVENTS.includes(e.type))).toBe(true);
    expect(dropped.length).toBeGreaterThanOrEqual(1 + 2 + 3 + 3);
    // Billing saw none of it.
    expect((await order(refundedOnDashboard.id)).refunded).toBe('0');
    expect((await order(openDispute.id)).disputed).toBe('0');
    expect((await order(lostDispute.id)).status).toBe('held');

    const run = await reconcile();
    const money = (events: Stripe.Event[]) => {
      const sums: Record<string, number> = {};
      for (const e of events) {
        const o = e.data.object as { amount?: number; currency?: string };
        if (typeof o.amount === 'number' && o.currency) sums[o.currency.toUpperCase()] = (sums[o.currency.toUpperCase()] ?? 0) + o.amount;
      }
      return sums;
    };
    expect(run).toMatchObject({ status: 'completed', leftForHuman: 2 });
    expect(run.drift).toEqual({
      missing_event: { count: dropped.length, amounts: money(dropped) },
      // The Dashboard refund and the three disputes billing never saw.
      state_mismatch: { count: 4, amounts: { USD: DASHBOARD_REFUND + opened.amount + lost.amount + won.amount } },
      amount_mismatch: { count: 1, amounts: { USD: 100 } },
      orphan_stripe_object: { count: 1, amounts: { USD: orphan.amount } },
    });
    expect(run.repaired).toBe(dropped.length + 4);
    expect(
      run.findings
        .map((f) => ({ kind: f.kind, stripeObjectId: f.stripeObjectId, amount: f.amount }))
        .sort((a, b) => a.kind.localeCompare(b.kind)),
    ).toEqual([
      { kind: 'amount_mismatch', stripeObjectId: expect.stringMatching(/^dp_/), amount: 100 },
      { kind: 'orphan_stripe_object', stripeObjectId: orphan.id, amount: orphan.amount },
    ]);

    // Every repaired order is where Stripe holds it, through the handlers (ledger entries, events).
    const refundedOrder = await order(refundedOnDashboard.id);
    expect({ refunded: Number(refundedOrder.refunded), status: refundedOrder.status }).toEqual({
      refunded: DASHBOARD_REFUND,
      status: 'held',
    });
    const [refundEntry] = await billingDb.query(`select kind, amount from ledger_entries where stripe_object_id = $1`, [
      dashboardRefund.id,
    ]);
    expect(refundEntry).toEqual({ kind: 'refund', amount: String(DASHBOARD_REFUND) });
    expect(Number((await order(openDispute.id)).disputed)).toBe(openDispute.amount);
    await eventually(
      'the workspace shows the open chargeback',
      async () => (await api().get(`${base()}/${openDispute.id}`).set(bearer(owner.token))).body.status === 'disputed',
    );
    const lostOrder = await order(lostDispute.id);
    expect({ status: lostOrder.status, refunded: Number(lostOrder.refunded), disputed: Number(lostOrder.disputed) }).toEqual({
      status: 'refunded',
      refunded: lostDispute.amount,
      disputed: 0,
    });
    const outcomes: Array<{ id: string; outcome: string | null }> = await billingDb.query(
      `select id, outcome from chargebacks where id = any($1) order by id`,
      [[opened.id, lost.id, won.id]],
    );
    expect(outcomes).toHaveLength(3);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        { id: opened.id, outcome: null },
        { id: lost.id, outcome: 'lost' },
        { id: won.id, outcome: 'won' },
      ]),
    );
    const published = async (milestoneId: string, type: string) =>
      Number(
        (
          await billingDb.query(
            `select count(*)::int as n from outbox_messages where payload->>'aggregateId' = $1 and payload->>'type' = $2`,
            [milestoneId, type],
          )
        )[0].n,
      );
    expect(await published(refundedOnDashboard.id, BillingEvents.milestoneRefunded)).toBe(1);
    expect(await published(openDispute.id, BillingEvents.milestoneDisputed)).toBe(1);
    expect(await published(lostDispute.id, BillingEvents.milestoneDisputeClosed)).toBe(1);
    expect(await published(wonDispute.id, BillingEvents.milestoneDisputeClosed)).toBe(1);

    // Flagged, never overwritten: the altered chargeback amount and the released order stay as they were.
    const [misrecordedRow] = await billingDb.query(`select amount from chargebacks where order_id = $1`, [
      (await order(misrecorded.id)).id,
    ]);
    expect(Number(misrecordedRow.amount)).toBe(misrecorded.amount - 100);
    expect(Number((await order(released.id)).refunded)).toBe(0);

    // The next run repairs nothing; the open chargeback's mismatch is still reported (its order is not final), the
    // released order, unchanged since, is not audited again.
    const second = await reconcile();
    expect(second).toMatchObject({ status: 'completed', repaired: 0, leftForHuman: 1 });
    expect(second.drift).toEqual({
      missing_event: { count: 0, amounts: {} },
      state_mismatch: { count: 0, amounts: {} },
      amount_mismatch: { count: 1, amounts: { USD: 100 } },
      orphan_stripe_object: { count: 0, amounts: {} },
    });
    // (Put the altered row back, so the other cases start clean.)
    await billingDb.query(`update chargebacks set amount = amount + 100 where order_id = $1`, [(await order(misrecorded.id)).id]);
  }, 300_000);

  it("repairs a lost account.updated from the connected account's own events", async () => {
    const { emulator, webhookEndpoints } = platform.stripe!;
    const connect = async () =>
      (
        await billingDb.query(`select stripe_account_id, status, charges_enabled from connect_accounts where account_id = $1`, [
          owner.accountId,
        ])
      )[0] as { stripe_account_id: string; status: string; charges_enabled: boolean };
    const before = await connect();
    expect(before.status).toBe('enabled');
    await emulator.control.addWebhookFault(webhookEndpoints.connect, { mode: 'drop', eventTypes: ['account.updated'] });
    await emulator.control.setOnboarding(before.stripe_account_id, 'restricted');
    await emulator.control.drainWebhooks();
    await emulator.control.clearWebhookFaults(webhookEndpoints.connect);
    const dropped = (await emulator.control.deliveries({ endpoint: webhookEndpoints.connect })).filter((d) => d.state === 'dropped');
    expect(dropped.length).toBeGreaterThan(0);
    expect((await connect()).status).toBe('enabled'); // billing missed it

    const run = await reconcile();
    expect(run).toMatchObject({ status: 'completed' });
    expect(run.drift.missing_event.count).toBe(new Set(dropped.map((d) => d.eventId)).size);
    expect(await connect()).toMatchObject({ status: 'restricted', charges_enabled: false });
    const stored: Array<{ source: string; status: string }> = await billingDb.query(
      `select source, status from stripe_webhook_events where id = any($1)`,
      [dropped.map((d) => d.eventId)],
    );
    expect(stored.length).toBe(new Set(dropped.map((d) => d.eventId)).size);
    expect(stored.every((s) => s.source === 'connect' && s.status === 'processed')).toBe(true);
    const status = await api().get('/api/v1/billing/connect').set(bearer(owner.token));
    expect(status.body).toMatchObject({ status: 'restricted' });

    const second = await reconcile();
    expect(second.drift.missing_event).toEqual({ count: 0, amounts: {} });
    // Back to a complete onboarding for whatever runs next.
    await emulator.control.setOnboarding(before.stripe_account_id, 'complete');
    await emulator.control.drainWebhooks();
  }, 180_000);

  it('reports an order whose ledger invariants do not hold as an amount mismatch, and changes nothing', async () => {
    const m = await funded('tampered order', 12_000);
    const { id: orderId } = await order(m.id);
    // A state the amounts do not support (the table's checks refuse impossible amounts; this one they allow).
    await billingDb.query(`update orders set status = 'released' where id = $1`, [orderId]);
    try {
      const run = await reconcile();
      expect(run.findings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'amount_mismatch',
            orderId,
            detail: expect.stringContaining('ledger invariants: status released does not match the amounts (held)'),
          }),
        ]),
      );
      expect((await order(m.id)).status).toBe('released'); // flagged, not overwritten
    } finally {
      await billingDb.query(`update orders set status = 'held' where id = $1`, [orderId]);
    }
  }, 120_000);
});
