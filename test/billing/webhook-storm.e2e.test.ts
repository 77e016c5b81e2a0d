import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { BillingDocumentEvents, BillingEvents, RpcContext } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { bearer, eventually, inParallel, RunningPlatform, SignedUpUser } from '@fpms/harness';
import { BillingWorld, fundCheckout, startBillingWorld } from './billing-world';

const ORDERS = 200;

/**
 * The webhook storm: every event of 200 checkouts (paid, declined then paid, left to expire)
 * delivered three times, concurrently and shuffled. Every order ends in its right state, with
 * exactly one ledger entry per Stripe object and exactly one outbox event per fact.
 */
describe('billing: webhook storm', () => {
  let world: BillingWorld;
  let platform: RunningPlatform;
  let billingDb: DataSource;
  let rpc: RpcClient;
  let owner: SignedUpUser;
  let client: SignedUpUser;
  let workspaceId: string;
  const api = () => request(platform.gatewayUrl);

  beforeAll(async () => {
    ({ platform, billingDb, rpc, owner, client, workspaceId } = world = await startBillingWorld({
      ownerName: 'Storm Freelancer',
      env: { billing: { LOG_LEVEL: 'error' } },
    }));
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  it('ends every order right, with one ledger entry per Stripe object and one event per fact', async () => {
    const ctx = (): RpcContext => ({
      requestId: randomUUID(),
      userId: client.userId,
      accountId: client.accountId,
      workspaceId,
      token: client.token,
    });
    const milestones = await inParallel(Array.from({ length: ORDERS }), 10, async (_, i) => {
      const base = `/api/v1/workspaces/${workspaceId}/milestones`;
      const created = await api()
        .post(base)
        .set(bearer(owner.token))
        .send({ title: `Storm ${i}`, amount: 1000 + i, currency: 'EUR' });
      await api().post(`${base}/${created.body.id}/propose`).set(bearer(owner.token)).send({});
      await api().post(`${base}/${created.body.id}/accept`).set(bearer(client.token)).send({});
      const funding = await fundCheckout(rpc, workspaceId, created.body.id, ctx());
      return { id: created.body.id as string, amount: 1000 + i, orderId: funding.orderId };
    });
    const sessions: Array<{ checkout_session_id: string; milestone_id: string }> = await billingDb.query(
      `select checkout_session_id, milestone_id from orders where workspace_id = $1`,
      [workspaceId],
    );
    const sessionOf = new Map(sessions.map((s) => [s.milestone_id, s.checkout_session_id]));

    // Every delivery from now on: the original plus two concurrent copies, released in shuffled windows.
    const { emulator, webhookEndpoints } = platform.stripe!;
    await emulator.control.addWebhookFault(webhookEndpoints.platform, { mode: 'duplicate', copies: 2, concurrent: true });
    await emulator.control.addWebhookFault(webhookEndpoints.platform, { mode: 'shuffle', window: 50, seed: 7, flushAfterSeconds: 1 });

    // 3 in 4 are paid (every 8th after a declined card first); the rest are left to expire.
    const paid = milestones.filter((_, i) => i % 4 !== 3);
    const expiring = milestones.filter((_, i) => i % 4 === 3);
    await inParallel(paid, 50, async (m, i) => {
      const session = sessionOf.get(m.id) as string;
      if (i % 8 === 0) await emulator.control.completeCheckout(session, { outcome: 'decline' });
      await emulator.control.completeCheckout(session, { outcome: 'success' });
    });
    await emulator.control.advanceClock(25 * 3600); // sessions expire after 24 h; also flushes the shuffle buffers
    await emulator.control.flushShuffled(webhookEndpoints.platform);
    await emulator.control.drainWebhooks();

    let lastOpen: unknown[] = [];
    const received = await billingDb.query(`select count(*)::int as n from stripe_webhook_events`);
    expect(received[0].n).toBeGreaterThanOrEqual(ORDERS * 3);
    await eventually(
      'every webhook processed',
      async () => {
        const open: Array<{ type: string; status: string; last_error: string | null; n: number }> = await billingDb.query(
          `select type, status, last_error, count(*)::int as n from stripe_webhook_events where status not in ('processed', 'ignored') group by 1, 2, 3`,
        );
        if (open.length > 0) lastOpen = open;
        return open.length === 0;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(lastOpen)}`);
    });

    const orders: Array<{ milestone_id: string; status: string; charged: string }> = await billingDb.query(
      `select milestone_id, status, charged from orders where workspace_id = $1`,
      [workspaceId],
    );
    const byMilestone = new Map(orders.map((o) => [o.milestone_id, o]));
    for (const m of paid)
      expect({ id: m.id, status: byMilestone.get(m.id)?.status, charged: Number(byMilestone.get(m.id)?.charged) }).toEqual({
        id: m.id,
        status: 'held',
        charged: m.amount,
      });
    for (const m of expiring) expect({ id: m.id, status: byMilestone.get(m.id)?.status }).toEqual({ id: m.id, status: 'payment_failed' });

    // One ledger entry per Stripe object and kind (the unique key holds it; the counts show nothing was lost either).
    const ledger: Array<{ kind: string; n: number; objects: number }> = await billingDb.query(
      `select l.kind, count(*)::int as n, count(distinct l.stripe_object_id)::int as objects
         from ledger_entries l join orders o on o.id = l.order_id where o.workspace_id = $1 group by l.kind`,
      [workspaceId],
    );
    const charges = ledger.find((l) => l.kind === 'charge');
    expect(charges).toEqual({ kind: 'charge', n: paid.length, objects: paid.length });

    // One outbox event per fact: funded once per paid order, payment_failed once per expired one
    // (invoice PDFs, rendered after the fact by a worker, are counted below).
    const facts: Array<{ type: string; n: number; milestones: number }> = await billingDb.query(
      `select payload->>'type' as type, count(*)::int as n, count(distinct payload->>'aggregateId')::int as milestones
         from outbox_messages where payload->'tenant'->>'workspaceId' = $1 and payload->>'type' <> $2 group by 1 order by 1`,
      [workspaceId, BillingDocumentEvents.documentRendered],
    );
    expect(facts).toEqual([
      { type: BillingEvents.milestoneFunded, n: paid.length, milestones: paid.length },
      { type: BillingEvents.milestonePaymentFailed, n: expiring.length, milestones: expiring.length },
    ]);

    // One invoice per paid order, never one for an expired checkout, and each rendered to one PDF.
    const invoices: Array<{ n: number; orders: number }> = await billingDb.query(
      `select count(*)::int as n, count(distinct order_id)::int as orders from invoices where workspace_id = $1 and kind = 'invoice'`,
      [workspaceId],
    );
    expect(invoices).toEqual([{ n: paid.length, orders: paid.length }]);
    await eventually(
      'every invoice rendered once',
      async () => {
        const [rendered] = await billingDb.query(
          `select count(*)::int as n, count(distinct payload->>'aggregateId')::int as documents
             from outbox_messages where payload->'tenant'->>'workspaceId' = $1 and payload->>'type' = $2`,
          [workspaceId, BillingDocumentEvents.documentRendered],
        );
        return rendered.documents === paid.length && rendered.n === paid.length;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );

    // And the workspace followed (through its inbox, so it may trail billing): funded or back to accepted.
    let seen: Record<string, number> = {};
    await eventually(
      'the workspace to show every order',
      async () => {
        const statuses = await inParallel(milestones, 20, async (m) => {
          const res = await api().get(`/api/v1/workspaces/${workspaceId}/milestones/${m.id}`).set(bearer(owner.token));
          return String(res.body.status);
        });
        seen = {};
        for (const status of statuses) seen[status] = (seen[status] ?? 0) + 1;
        return seen.funded === paid.length && seen.accepted === expiring.length;
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(seen)}`);
    });
  }, 300_000);
});
