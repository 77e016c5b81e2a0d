import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';
import { Order, toOrder } from './order';
import type { OrderKind } from '@fpms/contracts';

/** Writes every mutable column of `order` (state transitions are computed in memory, on a locked row). */
async function writeOrder(manager: EntityManager, order: Order): Promise<void> {
  await manager.query(
    `update orders set
       amount = $2, currency = $3, status = $4, charged = $5, released = $6, platform_fee = $7, refunded = $8, disputed = $9,
       checkout_session_id = $10, checkout_url = $11, checkout_expires_at = $12, checkout_attempt = $13,
       payment_intent_id = $14, charge_id = $15, connected_account_id = $16, transfer_id = $17, released_at = $18,
       release_requested_at = $19, release_attempts = $20, release_next_attempt_at = $21, release_last_error = $22,
       version = $23, application_fee_id = $24, release_amount = $25, updated_at = now()
     where id = $1`,
    [
      order.id,
      order.amount,
      order.currency,
      order.status,
      order.charged,
      order.released,
      order.platformFee,
      order.refunded,
      order.disputed,
      order.checkoutSessionId,
      order.checkoutUrl,
      order.checkoutExpiresAt,
      order.checkoutAttempt,
      order.paymentIntentId,
      order.chargeId,
      order.connectedAccountId,
      order.transferId,
      order.releasedAt,
      order.releaseRequestedAt,
      order.releaseAttempts,
      order.releaseNextAttemptAt,
      order.releaseLastError,
      order.version,
      order.applicationFeeId,
      order.releaseAmount,
    ],
  );
}

async function one(manager: EntityManager, sql: string, params: unknown[]): Promise<Order | null> {
  const rows: Array<Record<string, unknown>> = await manager.query(sql, params);
  return rows[0] ? toOrder(rows[0]) : null;
}

/** Orders as a workspace's members reach them: tenant transactions (RLS on account and workspace). */
@Injectable()
export class OrdersRepository {
  findByMilestone(manager: TenantManager, milestoneId: string): Promise<Order | null> {
    return one(manager, `select * from orders where milestone_id = $1`, [milestoneId]);
  }

  /**
   * The milestone's order, created on first use (of `kind`, which never changes after), locked
   * for the rest of the transaction (concurrent funders and payers queue here).
   */
  async lockOrCreate(
    manager: TenantManager,
    input: { id: string; accountId: string; workspaceId: string; milestoneId: string; amount: number; currency: string; kind: OrderKind },
  ): Promise<Order> {
    await manager.query(
      `insert into orders (id, account_id, workspace_id, milestone_id, amount, currency, kind) values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (milestone_id) do nothing`,
      [input.id, input.accountId, input.workspaceId, input.milestoneId, input.amount, input.currency, input.kind],
    );
    return (await one(manager, `select * from orders where milestone_id = $1 for update`, [input.milestoneId])) as Order;
  }

  lockByMilestone(manager: TenantManager, milestoneId: string): Promise<Order | null> {
    return one(manager, `select * from orders where milestone_id = $1 for update`, [milestoneId]);
  }

  /** Who opened the order's current checkout: its paying client (the earnings report's client group). */
  async recordPayer(manager: TenantManager, orderId: string, userId: string): Promise<void> {
    await manager.query(`update orders set client_user_id = $2 where id = $1 and charged = 0`, [orderId, userId]);
  }

  save(manager: TenantManager, order: Order): Promise<void> {
    return writeOrder(manager, order);
  }
}

/**
 * Orders as Stripe's webhooks and the release worker reach them: every tenant's, on the
 * system pool (cross-tenant by nature). Each method locks what it returns.
 */
@Injectable()
export class CrossTenantOrdersRepository {
  lockById(manager: SystemManager, orderId: string): Promise<Order | null> {
    return one(manager, `select * from orders where id = $1 for update`, [orderId]);
  }

  lockByMilestone(manager: SystemManager, milestoneId: string): Promise<Order | null> {
    return one(manager, `select * from orders where milestone_id = $1 for update`, [milestoneId]);
  }

  /** Orders whose release is due now, each locked; rows other replicas hold are passed over. */
  async claimDueReleases(manager: SystemManager, now: Date, limit: number): Promise<Order[]> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `select * from orders
        where release_requested_at is not null and transfer_id is null
          and (release_next_attempt_at is null or release_next_attempt_at <= $1)
        order by release_next_attempt_at nulls first
        limit $2
        for update skip locked`,
      [now, limit],
    );
    return rows.map(toOrder);
  }

  save(manager: SystemManager, order: Order): Promise<void> {
    return writeOrder(manager, order);
  }
}
