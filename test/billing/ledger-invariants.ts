import type { LedgerEntryKind, LedgerEntryView } from '@fpms/contracts';
import { DataSource } from 'typeorm';
import { toOrder } from '../../apps/billing/src/payments/order';
import { orderInvariantViolations } from '../../apps/billing/src/payments/order-invariants';

/**
 * Every order's ledger invariants (payments/order-invariants.ts) over billing's whole
 * database: answers the violations per order id (empty: all hold).
 */
export async function ledgerInvariantViolations(billingDb: DataSource): Promise<Record<string, string[]>> {
  // One snapshot: an order and its ledger entries commit together, so both are read as of one instant.
  const { orders, entries } = await billingDb.transaction('REPEATABLE READ', async (m) => ({
    orders: (await m.query(`select * from orders order by created_at, id`)) as Array<Record<string, unknown>>,
    entries: (await m.query(`select * from ledger_entries order by created_at, id`)) as Array<Record<string, unknown>>,
  }));
  const byOrder = new Map<string, LedgerEntryView[]>();
  for (const r of entries) {
    const list = byOrder.get(r.order_id as string) ?? [];
    list.push({
      id: r.id as string,
      kind: r.kind as LedgerEntryKind,
      amount: Number(r.amount),
      currency: r.currency as string,
      stripeObjectId: r.stripe_object_id as string,
      stripeEventId: (r.stripe_event_id as string) ?? null,
      createdAt: new Date(r.created_at as string).toISOString(),
    });
    byOrder.set(r.order_id as string, list);
  }
  const violations: Record<string, string[]> = {};
  for (const row of orders) {
    const order = toOrder(row);
    const problems = orderInvariantViolations(order, byOrder.get(order.id) ?? []);
    if (problems.length > 0) violations[order.id] = problems;
  }
  return violations;
}

/**
 * Registers an afterEach that fails the test if any order's ledger invariants do not hold
 * once it is over (issue 13: "checked after every test in this area").
 */
export function checkLedgerInvariantsAfterEach(billingDb: () => DataSource | undefined): void {
  afterEach(async () => {
    const db = billingDb();
    if (!db?.isInitialized) return;
    expect(await ledgerInvariantViolations(db)).toEqual({});
  }, 30_000);
}
