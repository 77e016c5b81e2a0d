import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import Stripe from 'stripe';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { BillingPaymentsRpc, ReconciliationRunView, RpcContext } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { bearer, connectServiceDb, eventually, inParallel, RunningPlatform, signUp, SignedUpUser } from '@fpms/harness';
import { BillingWorld, startBillingWorld } from './billing-world';

const ORDERS = 200;
const RELEASED = 20;
const EXPIRING = 50;
const REASON = 'reconciliation after the webhook outage of the test';

type Milestone = { id: string; amount: number };

/**
 * Reconciliation: with 20% of the platform's webhook deliveries lost for good over 200 orders
 * (released before the outage, paid or left to expire during it), one run finds every event
 * Stripe sent that never arrived, repairs every order to the state Stripe holds through the
 * webhook path, and reports exactly that drift; the next run finds none. Two runs at once:
 * one runs, the other is skipped.
 */
describe('billing: reconciliation', () => {
  let world: BillingWorld;
  let platform: RunningPlatform;
  let billingDb: DataSource;
  let rpc: RpcClient;
  let stripe: Stripe;
  let owner: SignedUpUser;
  let client: SignedUpUser;
  let admin: SignedUpUser;
  let adminToken: string;
  let workspaceId: string;
  const api = () => request(platform.gatewayUrl);
  const reconcile = (token: string, headers: Record<string, string> = { 'X-Admin-Override-Reason': REASON }) =>
    api().post('/api/v1/admin/billing/reconciliations').set(bearer(token)).set(headers).send({});

  beforeAll(async () => {
    ({ platform, stripe, billingDb, rpc, owner, client, workspaceId } = world = await startBillingWorld({
      ownerName: 'Reconciled Freelancer',
      env: { billing: { LOG_LEVEL: 'error', RECONCILE_INTERVAL_MS: '0' }, workspace: { DELIVERABLE_PINNING: 'off' } },
    }));
    admin = await signUp(platform.gatewayUrl, 'Billing Admin');
    const gatewayDb = await connectServiceDb('gateway', 'system', platform.dbPrefix);
    await gatewayDb.query(`update users set is_platform_admin = true where id = $1`, [admin.userId]);
    await gatewayDb.destroy();
    adminToken = (await api().post('/api/v1/auth/login').send({ email: admin.email, password: admin.password })).body.accessToken;
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  const orderRows = async () =>
    new Map(
      (
        (await billingDb.query(`select milestone_id, status, charged, released, transfer_id from orders where workspace_id = $1`, [
          workspaceId,
        ])) as Array<{ milestone_id: string; status: string; charged: string; released: string; transfer_id: string | null }>
      ).map((o) => [
        o.milestone_id,
        { status: o.status, charged: Number(o.charged), released: Number(o.released), transferId: o.transfer_id },
      ]),
    );

  const allWebhooksProcessed = () =>
    eventually(
      'every stored webhook processed',
      async () => {
        const [{ n }] = await billingDb.query(
          `select count(*)::int as n from stripe_webhook_events where status not in ('processed', 'ignored')`,
        );
        return n === 0;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );

  it('repairs every order from 20% lost webhooks, reports exactly that drift, and then finds none', async () => {
    const ctx = (): RpcContext => ({
      requestId: randomUUID(),
      userId: client.userId,
      accountId: client.accountId,
      workspaceId,
      token: client.token,
    });
    const base = `/api/v1/workspaces/${workspaceId}/milestones`;
    const milestones: Milestone[] = await inParallel(Array.from({ length: ORDERS }), 10, async (_, i) => {
      const created = await api()
        .post(base)
        .set(bearer(owner.token))
        .send({ title: `Reconciled ${i}`, amount: 1000 + i, currency: 'EUR' });
      await api().post(`${base}/${created.body.id}/propose`).set(bearer(owner.token)).send({});
      await api().post(`${base}/${created.body.id}/accept`).set(bearer(client.token)).send({});
      await rpc.call(BillingPaymentsRpc.fund, { workspaceId, milestoneId: created.body.id }, ctx());
      return { id: created.body.id as string, amount: 1000 + i };
    });
    const sessions: Array<{ checkout_session_id: string; milestone_id: string }> = await billingDb.query(
      `select checkout_session_id, milestone_id from orders where workspace_id = $1`,
      [workspaceId],
    );
    const sessionOf = new Map(sessions.map((s) => [s.milestone_id, s.checkout_session_id]));
    const { emulator, webhookEndpoints } = platform.stripe!;
    const released = milestones.slice(0, RELEASED);
    const expiring = milestones.slice(RELEASED, RELEASED + EXPIRING);
    const paid = milestones.slice(RELEASED + EXPIRING);

    // Before the outage: some orders are paid, delivered, approved and released.
    await inParallel(released, 10, (m) => emulator.control.completeCheckout(sessionOf.get(m.id)!, { outcome: 'success' }));
    await inParallel(released, 5, async (m) => {
      await eventually('funded', async () => (await api().get(`${base}/${m.id}`).set(bearer(owner.token))).body.status === 'funded');
      const submitted = await api()
        .post(`${base}/${m.id}/submit`)
        .set(bearer(owner.token))
        .send({ deliverableFileVersionId: randomUUID() });
      expect([submitted.status, submitted.body.error]).toEqual([200, undefined]);
      const approved = await api().post(`${base}/${m.id}/approve`).set(bearer(client.token)).send({});
      expect([approved.status, approved.body.error]).toEqual([200, undefined]);
    });
    await eventually('released', async () => [...(await orderRows()).values()].filter((o) => o.transferId).length === RELEASED, {
      timeoutMs: 60_000,
    });
    await emulator.control.drainWebhooks();
    await allWebhooksProcessed();

    // The outage: one platform delivery in five is lost for good while the rest are paid or expire.
    await emulator.control.addWebhookFault(webhookEndpoints.platform, { mode: 'drop', fraction: 0.2 });
    await inParallel(paid, 20, (m) => emulator.control.completeCheckout(sessionOf.get(m.id)!, { outcome: 'success' }));
    await emulator.control.advanceClock(25 * 3600); // the unpaid sessions expire after 24 h
    await emulator.control.drainWebhooks();
    await emulator.control.clearWebhookFaults(webhookEndpoints.platform);
    await allWebhooksProcessed();

    const droppedIds = [
      ...new Set(
        (await emulator.control.deliveries({ endpoint: webhookEndpoints.platform }))
          // Lost for good: dropped at every attempt. One that was posted first (and timed out on a busy
          // machine) may have reached billing before the retry was dropped: not a lost webhook.
          .filter((d) => d.state === 'dropped' && d.attempts.every((a) => a.dropped))
          .map((d) => d.eventId),
      ),
    ];
    const dropped = await inParallel(droppedIds, 10, (id) => stripe.events.retrieve(id));
    expect(dropped.length).toBeGreaterThan(0);
    const objectOf = (e: Stripe.Event) => e.data.object as { id: string; amount_total?: number; amount?: number; currency?: string };
    const moneyOf = (events: Stripe.Event[]) => {
      const sums: Record<string, number> = {};
      for (const e of events) {
        const o = objectOf(e);
        const amount = o.amount_total ?? o.amount;
        if (typeof amount === 'number' && o.currency) sums[o.currency.toUpperCase()] = (sums[o.currency.toUpperCase()] ?? 0) + amount;
      }
      return sums;
    };
    // The orders left behind: a lost completion leaves the order pending with money on Stripe, a lost expiry leaves it pending.
    const lostCompletions = dropped.filter((e) => e.type === 'checkout.session.completed');
    const lostExpiries = dropped.filter((e) => e.type === 'checkout.session.expired');
    const behind = await orderRows();
    const paidIds = new Set(paid.map((m) => m.id));
    expect([...behind.entries()].filter(([id, o]) => paidIds.has(id) && o.status === 'pending')).toHaveLength(lostCompletions.length);

    const first = await reconcile(adminToken);
    expect(first.status).toBe(201);
    const run = first.body as ReconciliationRunView;
    expect(run).toMatchObject({ trigger: 'admin', status: 'completed', leftForHuman: 0, findings: [] });
    expect(run.ordersChecked).toBeGreaterThanOrEqual(ORDERS);
    expect(run.drift).toEqual({
      missing_event: { count: dropped.length, amounts: moneyOf(dropped) },
      state_mismatch: {
        count: lostCompletions.length + lostExpiries.length,
        amounts: lostCompletions.length > 0 ? { EUR: lostCompletions.reduce((s, e) => s + (objectOf(e).amount_total ?? 0), 0) } : {},
      },
      amount_mismatch: { count: 0, amounts: {} },
      orphan_stripe_object: { count: 0, amounts: {} },
    });
    expect(run.repaired).toBe(dropped.length + lostCompletions.length + lostExpiries.length);

    // Every order is where Stripe says it is.
    const after = await orderRows();
    for (const m of released) expect({ id: m.id, ...after.get(m.id) }).toMatchObject({ id: m.id, status: 'released', charged: m.amount });
    for (const m of paid) expect({ id: m.id, ...after.get(m.id) }).toMatchObject({ id: m.id, status: 'held', charged: m.amount });
    for (const m of expiring) expect({ id: m.id, status: after.get(m.id)?.status }).toEqual({ id: m.id, status: 'payment_failed' });
    // Through the webhook path: the lost events are in the ledger now, processed, and the workspace followed.
    const [{ n: stored }] = await billingDb.query(
      `select count(*)::int as n from stripe_webhook_events where id = any($1) and status in ('processed', 'ignored')`,
      [droppedIds],
    );
    expect(stored).toBe(droppedIds.length);
    await eventually('the workspace shows every paid milestone funded', async () => {
      const statuses = await inParallel(paid, 20, async (m) => (await api().get(`${base}/${m.id}`).set(bearer(owner.token))).body.status);
      return statuses.every((s) => s === 'funded');
    });
    const [audit] = await billingDb.query(
      `select admin_user_id, reason, action, resource_ids from billing_admin_audit where resource_ids ? $1`,
      [run.id],
    );
    expect(audit).toEqual({ admin_user_id: admin.userId, reason: REASON, action: 'billing.reconciliations.start', resource_ids: [run.id] });

    const second = (await reconcile(adminToken)).body as ReconciliationRunView;
    expect(second).toMatchObject({ status: 'completed', repaired: 0, leftForHuman: 0 });
    for (const tally of Object.values(second.drift)) expect(tally).toEqual({ count: 0, amounts: {} });
  }, 600_000);

  it('runs one of two reconciliations started at once and records the other as skipped', async () => {
    const answers = await Promise.all([reconcile(adminToken), reconcile(adminToken)]);
    expect(answers.map((a) => a.status)).toEqual([201, 201]);
    expect(answers.map((a) => (a.body as ReconciliationRunView).status ?? JSON.stringify(a.body).slice(0, 300)).sort()).toEqual([
      'completed',
      'skipped',
    ]);
    const rows: Array<{ status: string }> = await billingDb.query(
      `select status from reconciliation_runs where id = any($1) order by status`,
      [answers.map((a) => a.body.id)],
    );
    expect(rows.map((r) => r.status)).toEqual(['completed', 'skipped']);
  }, 120_000);

  describe('npm run billing:reconcile', () => {
    // The compiled tool (npm test builds dist first), against this platform's database, broker and emulator.
    const cli = () =>
      promisify(execFile)(process.execPath, [path.resolve(__dirname, '../../dist/tools/billing/reconcile.js')], {
        env: {
          ...process.env,
          ...platform.stripe!.billingEnv,
          FPMS_DB_PREFIX: platform.dbPrefix,
          AMQP_URL: platform.amqpUrl,
          LOG_LEVEL: 'error',
        },
        timeout: 120_000,
      }).then(
        ({ stdout }) => ({ code: 0, run: JSON.parse(stdout) as ReconciliationRunView }),
        (error: { code: number; stdout: string; stderr: string }) => ({
          code: error.code,
          run: JSON.parse(error.stdout || 'null'),
          stderr: error.stderr,
        }),
      );

    it('runs once against the configured database and Stripe and prints the run', async () => {
      const { code, run } = await cli();
      expect({ code, trigger: run?.trigger, status: run?.status }).toEqual({ code: 0, trigger: 'cli', status: 'completed' });
      // The window starts at the last completed run: only the orders that are not final (the held ones) are audited again.
      expect(run.ordersChecked).toBe(ORDERS - RELEASED - EXPIRING);
      const [row] = await billingDb.query(`select trigger, status from reconciliation_runs where id = $1`, [run.id]);
      expect(row).toEqual({ trigger: 'cli', status: 'completed' });
    }, 180_000);

    it('is skipped (exit code 2) while another run, in another process, holds the lock', async () => {
      const holder = billingDb.createQueryRunner();
      await holder.connect();
      try {
        const [{ locked }] = await holder.query(`select pg_try_advisory_lock($1, 1) as locked`, [0x62696c6c]);
        expect(locked).toBe(true);
        const { code, run } = await cli();
        expect({ code, status: run?.status }).toEqual({ code: 2, status: 'skipped' });
      } finally {
        await holder.query(`select pg_advisory_unlock($1, 1)`, [0x62696c6c]);
        await holder.release();
      }
    }, 180_000);
  });

  it('answers a non-admin, and an admin without a reason, 403 and runs nothing', async () => {
    const runs = async () => Number((await billingDb.query(`select count(*)::int as n from reconciliation_runs`))[0].n);
    const before = await runs();
    const notAdmin = await reconcile(owner.token);
    expect([notAdmin.status, notAdmin.body.error.code]).toEqual([403, 'not_platform_admin']);
    const noReason = await reconcile(adminToken, {});
    expect([noReason.status, noReason.body.error.code]).toEqual([403, 'admin_override_required']);
    expect(await runs()).toBe(before);
  });
});
