import { randomUUID } from 'node:crypto';
import request from 'supertest';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { BillingEvents, BillingPaymentsRpc, ReconciliationRunView, RpcContext } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { bearer, connectServiceDb, eventually, inParallel, RunningPlatform, signUp, SignedUpUser } from '@fpms/harness';
import { BillingWorld, startBillingWorld } from './billing-world';
import { checkLedgerInvariantsAfterEach, ledgerInvariantViolations } from './ledger-invariants';

/** The lifecycles the storm mixes; each order goes through one of them while its webhooks are held back. */
const LIFECYCLES = [
  'held',
  'released',
  'refunded_before_release',
  'partly_refunded_before_release',
  'partly_refunded_after_release',
  'refunded_after_release',
  'chargeback_open',
  'chargeback_won',
  'chargeback_lost',
  'chargeback_lost_after_release',
  'refunded_on_stripe_dashboard',
] as const;
type Lifecycle = (typeof LIFECYCLES)[number];
const PER_LIFECYCLE = 4;
const PARTIAL_REFUND = 3_000;
const DASHBOARD_REFUND = 2_500;
const REASON = 'reconciliation in the middle of the webhook storm';

const releases = new Set<Lifecycle>([
  'released',
  'partly_refunded_after_release',
  'refunded_after_release',
  'chargeback_lost_after_release',
]);
const chargebacks = new Set<Lifecycle>(['chargeback_open', 'chargeback_won', 'chargeback_lost', 'chargeback_lost_after_release']);
const expectedStatus: Record<Lifecycle, string> = {
  held: 'held',
  released: 'released',
  refunded_before_release: 'refunded',
  partly_refunded_before_release: 'held',
  partly_refunded_after_release: 'released',
  refunded_after_release: 'refunded',
  chargeback_open: 'held',
  chargeback_won: 'held',
  chargeback_lost: 'refunded',
  chargeback_lost_after_release: 'refunded',
  refunded_on_stripe_dashboard: 'held',
};

type Milestone = { id: string; amount: number; lifecycle: Lifecycle; chargeId: string };

/** A small seeded PRNG, so a failing shuffle can be replayed. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * The webhook storm over the whole money lifecycle: 44 orders funded, then — while every
 * platform webhook is held back — released, refunded (before and after release, in part and
 * in full, through billing and on Stripe's Dashboard) and charged back (left open, won, lost,
 * lost after release). Then every event Stripe holds is delivered four times at once, in a
 * shuffled order: three copies of the original and one announced under another event id (as
 * Stripe announces one change in several events), which the webhook ledger cannot deduplicate
 * so only the handlers' own idempotency holds it; and a reconciliation run starts while half
 * of them are in. Every order ends where Stripe says it is, every ledger invariant holds, each
 * fact is published once, and a second reconciliation finds nothing left.
 */
describe('billing: webhook storm over refunds, chargebacks and releases', () => {
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
  const reconcile = () =>
    api().post('/api/v1/admin/billing/reconciliations').set(bearer(adminToken)).set('X-Admin-Override-Reason', REASON).send({});

  beforeAll(async () => {
    ({ platform, stripe, billingDb, rpc, owner, client, workspaceId } = world = await startBillingWorld({
      ownerName: 'Stormy Freelancer',
      env: {
        // Generous RPC timeouts: the storm loads a shared machine; a slow answer is not what is tested here.
        billing: { LOG_LEVEL: 'error', RECONCILE_INTERVAL_MS: '0', CHARGEBACK_EVIDENCE_POLL_MS: '0', RPC_TIMEOUT_MS: '20000' },
        workspace: { DELIVERABLE_PINNING: 'off', RPC_TIMEOUT_MS: '20000' },
        gateway: { RPC_TIMEOUT_MS: '20000' },
      },
    }));
    const admin = await signUp(platform.gatewayUrl, 'Storm Admin');
    const gatewayDb = await connectServiceDb('gateway', 'system', platform.dbPrefix);
    await gatewayDb.query(`update users set is_platform_admin = true where id = $1`, [admin.userId]);
    await gatewayDb.destroy();
    adminToken = (await api().post('/api/v1/auth/login').send({ email: admin.email, password: admin.password })).body.accessToken;
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  checkLedgerInvariantsAfterEach(() => billingDb);

  const allWebhooksProcessed = () =>
    eventually(
      'every stored webhook processed',
      async () => {
        const [{ n }] = await billingDb.query(
          `select count(*)::int as n from stripe_webhook_events where status not in ('processed', 'ignored')`,
        );
        return n === 0;
      },
      { timeoutMs: 180_000, intervalMs: 250 },
    );

  it('ends every order where Stripe holds it, every invariant holding, each fact published once', async () => {
    const ctx = (): RpcContext => ({
      requestId: randomUUID(),
      userId: client.userId,
      accountId: client.accountId,
      workspaceId,
      token: client.token,
    });
    const { emulator, webhookEndpoints, webhookSecrets } = platform.stripe!;
    const stormStart = await emulator.control.now();

    // 1. Every order agreed and funded, its webhooks delivered as usual.
    const plan = LIFECYCLES.flatMap((lifecycle) => Array.from({ length: PER_LIFECYCLE }, () => lifecycle));
    const funded = await inParallel(plan, 4, async (lifecycle, i) => {
      const amount = 20_000 + i * 100;
      const created = await api()
        .post(base())
        .set(bearer(owner.token))
        .send({ title: `Storm ${i} ${lifecycle}`, amount, currency: 'USD' });
      const id = created.body.id as string;
      await api().post(`${base()}/${id}/propose`).set(bearer(owner.token)).send({});
      await api().post(`${base()}/${id}/accept`).set(bearer(client.token)).send({});
      await rpc.call(BillingPaymentsRpc.fund, { workspaceId, milestoneId: id }, ctx());
      const [{ checkout_session_id: session }] = await billingDb.query(`select checkout_session_id from orders where milestone_id = $1`, [
        id,
      ]);
      await emulator.control.completeCheckout(session, { outcome: 'success' });
      return { id, amount, lifecycle };
    });
    await eventually(
      'every order funded',
      async () => {
        const [{ n }] = await billingDb.query(`select count(*)::int as n from orders where workspace_id = $1 and status = 'held'`, [
          workspaceId,
        ]);
        return n === plan.length;
      },
      { timeoutMs: 120_000 },
    );
    await emulator.control.drainWebhooks();
    await allWebhooksProcessed();
    const charges = new Map<string, string>(
      (
        (await billingDb.query(`select milestone_id, charge_id from orders where workspace_id = $1`, [workspaceId])) as Array<{
          milestone_id: string;
          charge_id: string;
        }>
      ).map((r) => [r.milestone_id, r.charge_id]),
    );
    const milestones: Milestone[] = funded.map((m) => ({ ...m, chargeId: charges.get(m.id) as string }));
    const of = (...lifecycles: Lifecycle[]) => milestones.filter((m) => lifecycles.includes(m.lifecycle));

    // 2. From here every platform webhook is held back (lost to billing until the storm below).
    await emulator.control.addWebhookFault(webhookEndpoints.platform, { mode: 'drop' });

    // Releases go through billing's release worker (the transfer is recorded without a webhook).
    const toRelease = milestones.filter((m) => releases.has(m.lifecycle));
    await inParallel(toRelease, 6, async (m) => {
      const submitted = await api()
        .post(`${base()}/${m.id}/submit`)
        .set(bearer(owner.token))
        .send({ deliverableFileVersionId: randomUUID() });
      expect([submitted.status, submitted.body.error]).toEqual([200, undefined]);
      const approved = await api().post(`${base()}/${m.id}/approve`).set(bearer(client.token)).send({});
      expect([approved.status, approved.body.error]).toEqual([200, undefined]);
    });
    await eventually(
      'every approved order released',
      async () => {
        const [{ n }] = await billingDb.query(
          `select count(*)::int as n from orders where milestone_id = any($1) and transfer_id is not null`,
          [toRelease.map((m) => m.id)],
        );
        return n === toRelease.length;
      },
      { timeoutMs: 120_000 },
    );

    // Refunds through billing (recorded at once), refunds on Stripe's Dashboard and chargebacks (known only through webhooks).
    const refund = async (m: Milestone, body: object) => {
      const res = await api().post(`${base()}/${m.id}/refunds`).set(bearer(owner.token)).send(body);
      expect([m.lifecycle, res.status, res.body.status]).toEqual([m.lifecycle, 201, 'succeeded']);
    };
    await inParallel(of('refunded_before_release', 'refunded_after_release'), 6, (m) => refund(m, {}));
    await inParallel(of('partly_refunded_before_release', 'partly_refunded_after_release'), 6, (m) =>
      refund(m, { amount: PARTIAL_REFUND }),
    );
    await inParallel(of('refunded_on_stripe_dashboard'), 6, (m) => stripe.refunds.create({ charge: m.chargeId, amount: DASHBOARD_REFUND }));
    await inParallel(
      milestones.filter((m) => chargebacks.has(m.lifecycle)),
      6,
      async (m) => {
        const dispute = await emulator.control.openDispute(m.chargeId, { reason: 'fraudulent' });
        if (m.lifecycle === 'chargeback_won') await emulator.control.closeDispute(dispute.id, 'won');
        if (m.lifecycle === 'chargeback_lost' || m.lifecycle === 'chargeback_lost_after_release')
          await emulator.control.closeDispute(dispute.id, 'lost');
      },
    );
    await emulator.control.drainWebhooks();
    await emulator.control.clearWebhookFaults(webhookEndpoints.platform);
    const [{ n: heldBackStored }] = await billingDb.query(
      `select count(*)::int as n from stripe_webhook_events where type like 'charge.dispute.%' or type in ('charge.refunded', 'refund.created')`,
    );
    expect(heldBackStored).toBe(0); // billing has seen none of it yet

    // 3. The storm: every event Stripe holds since the start, four times at once, shuffled.
    const events: Stripe.Event[] = [];
    for await (const event of stripe.events.list({ created: { gte: stormStart }, limit: 100 })) events.push(event);
    expect(events.filter((e) => e.type.startsWith('charge.dispute.')).length).toBeGreaterThanOrEqual(chargebacks.size * PER_LIFECYCLE * 2);
    const random = seeded(13);
    const copies = events.flatMap((e) => [
      JSON.stringify(e),
      JSON.stringify(e),
      JSON.stringify(e),
      JSON.stringify({ ...e, id: `evt_storm_${randomUUID().replace(/-/g, '').slice(0, 20)}` }),
    ]);
    for (let i = copies.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [copies[i], copies[j]] = [copies[j], copies[i]];
    }
    const port = (platform.apps.billing!.getHttpServer().address() as { port: number }).port;
    const billing = request(`http://127.0.0.1:${port}`);
    let sent = 0;
    let halfSent!: () => void;
    const half = new Promise<void>((resolve) => (halfSent = resolve));
    const deliver = inParallel(copies, 24, async (payload) => {
      const header = stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecrets.platform });
      const res = await billing
        .post('/webhooks/stripe')
        .set('Content-Type', 'application/json; charset=utf-8')
        .set('Stripe-Signature', header)
        .send(payload);
      expect(res.status).toBe(200);
      if (++sent === Math.floor(copies.length / 2)) halfSent();
    });
    const midway = half.then(() => reconcile());
    const [, reconciled] = await Promise.all([deliver, midway]);
    expect(reconciled.status).toBe(201);
    expect(reconciled.body).toMatchObject({ status: 'completed', leftForHuman: 0 });
    expect((reconciled.body as ReconciliationRunView).findings).toEqual([]);
    await allWebhooksProcessed();

    // 4. Every order is where Stripe holds it.
    const rows: Array<Record<string, string | null>> = await billingDb.query(`select * from orders where workspace_id = $1`, [workspaceId]);
    const orderOf = new Map(rows.map((r) => [r.milestone_id as string, r]));
    await inParallel(milestones, 8, async (m) => {
      const order = orderOf.get(m.id)!;
      const charge = await stripe.charges.retrieve(m.chargeId);
      const refunds = (await stripe.refunds.list({ charge: m.chargeId, limit: 100 })).data.filter((r) => r.status === 'succeeded');
      const disputes = (await stripe.disputes.list({ charge: m.chargeId, limit: 100 })).data;
      const transfers = (await stripe.transfers.list({ transfer_group: m.id, limit: 10 })).data;
      const lost = disputes.filter((d) => d.status === 'lost').reduce((s, d) => s + d.amount, 0);
      const open = disputes.filter((d) => !['won', 'lost', 'warning_closed'].includes(d.status)).reduce((s, d) => s + d.amount, 0);
      const paidOut = transfers.reduce((s, t) => s + t.amount - t.amount_reversed, 0);
      const actual = {
        id: m.id,
        lifecycle: m.lifecycle,
        status: order.status,
        charged: Number(order.charged),
        refunded: Number(order.refunded),
        disputed: Number(order.disputed),
        paidOut: Number(order.released) - Number(order.platform_fee),
        transfers: order.transfer_id ? 1 : 0,
      };
      expect(actual).toEqual({
        id: m.id,
        lifecycle: m.lifecycle,
        status: expectedStatus[m.lifecycle],
        charged: charge.amount_captured,
        refunded: refunds.reduce((s, r) => s + r.amount, 0) + lost,
        disputed: open,
        paidOut,
        transfers: transfers.length,
      });
      expect(Number(order.charged)).toBe(m.amount);
      if (m.lifecycle === 'chargeback_open') expect(open).toBe(m.amount);

      // Billing's chargebacks are Stripe's disputes, with the same outcome.
      const recorded: Array<{ id: string; outcome: string | null; amount: string }> = await billingDb.query(
        `select id, outcome, amount from chargebacks where order_id = $1 order by id`,
        [order.id],
      );
      expect(
        recorded.map((c) => ({ id: c.id, outcome: c.outcome, amount: Number(c.amount) })).sort((a, b) => a.id.localeCompare(b.id)),
      ).toEqual(
        disputes
          .map((d) => ({ id: d.id, outcome: d.status === 'won' ? 'won' : d.status === 'lost' ? 'lost' : null, amount: d.amount }))
          .sort((a, b) => a.id.localeCompare(b.id)),
      );
      // One ledger entry per Stripe refund, and one withdrawal per dispute (and one reinstatement per won one).
      const ledger: Array<{ kind: string; n: number }> = await billingDb.query(
        `select kind, count(*)::int as n from ledger_entries where order_id = $1 group by kind`,
        [order.id],
      );
      const count = (kind: string) => ledger.find((l) => l.kind === kind)?.n ?? 0;
      expect({
        id: m.id,
        charge: count('charge'),
        refund: count('refund'),
        dispute: count('dispute'),
        reinstatement: count('dispute_reinstatement'),
      }).toEqual({
        id: m.id,
        charge: 1,
        refund: refunds.length,
        dispute: disputes.length,
        reinstatement: disputes.filter((d) => d.status === 'won').length,
      });
    });

    // 5. Every invariant holds, for every order (afterEach checks it again).
    expect(await ledgerInvariantViolations(billingDb)).toEqual({});

    // 6. Each fact published once per order: no money change announced twice.
    const facts: Array<{ milestone: string; type: string; n: number }> = await billingDb.query(
      `select payload->>'aggregateId' as milestone, payload->>'type' as type, count(*)::int as n
         from outbox_messages where payload->'tenant'->>'workspaceId' = $1 group by 1, 2`,
      [workspaceId],
    );
    const published = (m: Milestone, type: string) => facts.find((f) => f.milestone === m.id && f.type === type)?.n ?? 0;
    for (const m of milestones) {
      const refundsMade = [
        'refunded_before_release',
        'refunded_after_release',
        'partly_refunded_before_release',
        'partly_refunded_after_release',
        'refunded_on_stripe_dashboard',
      ].includes(m.lifecycle)
        ? 1
        : 0;
      const closed = ['chargeback_won', 'chargeback_lost', 'chargeback_lost_after_release'].includes(m.lifecycle) ? 1 : 0;
      // A chargeback billing first learns of once it is closed is announced closed only: disputed at most once, and
      // exactly once for the one still open.
      const disputed = published(m, BillingEvents.milestoneDisputed);
      expect({
        id: m.id,
        lifecycle: m.lifecycle,
        funded: published(m, BillingEvents.milestoneFunded),
        released: published(m, BillingEvents.milestoneReleased),
        refunded: published(m, BillingEvents.milestoneRefunded),
        disputeClosed: published(m, BillingEvents.milestoneDisputeClosed),
        disputed: m.lifecycle === 'chargeback_open' || !chargebacks.has(m.lifecycle) ? disputed : Math.min(disputed, 1) === disputed,
      }).toEqual({
        id: m.id,
        lifecycle: m.lifecycle,
        funded: 1,
        released: releases.has(m.lifecycle) ? 1 : 0,
        refunded: refundsMade,
        disputeClosed: closed,
        disputed: m.lifecycle === 'chargeback_open' ? 1 : chargebacks.has(m.lifecycle) ? true : 0,
      });
    }

    // 7. Nothing is left for the next run.
    const second = (await reconcile()).body as ReconciliationRunView;
    expect(second).toMatchObject({ status: 'completed', repaired: 0, leftForHuman: 0 });
    for (const tally of Object.values(second.drift)) expect(tally).toEqual({ count: 0, amounts: {} });
  }, 900_000);
});
