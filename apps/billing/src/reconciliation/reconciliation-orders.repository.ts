import { Injectable } from '@nestjs/common';
import type { SystemManager } from '@fpms/database/tenant-manager';
import { Order, toOrder } from '../payments/order';

/**
 * Orders as reconciliation reads them: every tenant's (system pool), unlocked — repairs lock
 * them through the handlers that write them.
 */
@Injectable()
export class CrossTenantReconciliationOrdersRepository {
  /**
   * Orders that are not final — pending with a checkout session, held, with a release due or
   * a chargeback open — and every order changed since `since`.
   */
  async toAudit(manager: SystemManager, since: Date): Promise<Order[]> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `select * from orders
        where (status = 'pending' and checkout_session_id is not null)
           or status = 'held'
           or (release_requested_at is not null and transfer_id is null)
           or disputed > 0
           or updated_at >= $1
        order by created_at, id`,
      [since],
    );
    return rows.map(toOrder);
  }

  async find(manager: SystemManager, id: string): Promise<Order | null> {
    const rows: Array<Record<string, unknown>> = await manager.query(`select * from orders where id = $1`, [id]);
    return rows[0] ? toOrder(rows[0]) : null;
  }
}

/** The webhook ledger as reconciliation compares it with Stripe's event list. */
@Injectable()
export class CrossTenantReconciliationEventsRepository {
  /** Which of these Stripe event ids the webhook ledger holds. */
  async storedEventIds(manager: SystemManager, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: Array<{ id: string }> = await manager.query(`select id from stripe_webhook_events where id = any($1)`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /** Every connected account billing knows (their events are listed per account: Stripe-Account). */
  async connectedAccountIds(manager: SystemManager): Promise<string[]> {
    const rows: Array<{ stripe_account_id: string }> = await manager.query(
      `select stripe_account_id from connect_accounts order by stripe_account_id`,
    );
    return rows.map((r) => r.stripe_account_id);
  }

  /** Where these events stand in the webhook ledger after processing (a missing event was repaired once it is done). */
  async eventStatuses(manager: SystemManager, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ id: string; status: string }> = await manager.query(
      `select id, status from stripe_webhook_events where id = any($1)`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.status]));
  }
}
