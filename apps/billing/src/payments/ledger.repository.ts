import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { LedgerEntryKind, LedgerEntryView } from '@fpms/contracts';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';
import type { Order } from './order';

export interface NewLedgerEntry {
  kind: LedgerEntryKind;
  amount: number;
  stripeObjectId: string;
  stripeEventId: string | null;
}

/**
 * The append-only money ledger (a trigger refuses UPDATE and DELETE). One entry per kind and
 * Stripe object (a unique key), so a fact seen twice — a duplicate webhook, a retried
 * release — is recorded once.
 */
@Injectable()
export class LedgerRepository {
  /** Records the entry unless that kind of entry for that Stripe object exists; answers whether it was new. */
  async append(manager: SystemManager, order: Order, entry: NewLedgerEntry): Promise<boolean> {
    if (!Number.isSafeInteger(entry.amount) || entry.amount <= 0)
      throw new Error(`ledger amounts are positive integers, got ${entry.amount}`);
    const rows: unknown[] = await manager.query(
      `insert into ledger_entries (id, order_id, account_id, workspace_id, kind, amount, currency, stripe_object_id, stripe_event_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (kind, stripe_object_id) do nothing
       returning id`,
      [
        randomUUID(),
        order.id,
        order.accountId,
        order.workspaceId,
        entry.kind,
        entry.amount,
        order.currency,
        entry.stripeObjectId,
        entry.stripeEventId,
      ],
    );
    return rows.length === 1;
  }

  async listForOrder(manager: TenantManager | SystemManager, orderId: string): Promise<LedgerEntryView[]> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `select * from ledger_entries where order_id = $1 order by created_at, id`,
      [orderId],
    );
    return rows.map((r) => ({
      id: r.id as string,
      kind: r.kind as LedgerEntryKind,
      amount: Number(r.amount),
      currency: r.currency as string,
      stripeObjectId: r.stripe_object_id as string,
      stripeEventId: (r.stripe_event_id as string) ?? null,
      createdAt: new Date(r.created_at as string).toISOString(),
    }));
  }
}
