import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';
import type { Order } from '../payments/order';
import { Refund, RefundRequest, toRefund, toRefundRequest } from './refund';

type AnyManager = TenantManager | SystemManager;
const rows = (m: EntityManager, sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>> => m.query(sql, params);

/**
 * Refund rows. Tenant transactions create them (the owner's refund, an accepted request);
 * the refund executor and worker reach them on the system pool. Locks are always taken
 * order first, then refund or request rows, so the paths never deadlock one another.
 */
@Injectable()
export class RefundsRepository {
  async insert(
    manager: AnyManager,
    order: Order,
    input: {
      id: string;
      amount: number;
      initiatedBy: Refund['initiatedBy'];
      userId: string | null;
      requestId: string | null;
      reason: string | null;
      now: Date;
    },
  ): Promise<void> {
    await manager.query(
      `insert into refunds (id, order_id, account_id, workspace_id, milestone_id, amount, currency, initiated_by, initiated_by_user,
         refund_request_id, reason, next_attempt_at, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
      [
        input.id,
        order.id,
        order.accountId,
        order.workspaceId,
        order.milestoneId,
        input.amount,
        order.currency,
        input.initiatedBy,
        input.userId,
        input.requestId,
        input.reason,
        input.now,
      ],
    );
  }

  /** What refunds still in progress will take from the order. */
  async pendingTotal(manager: AnyManager, orderId: string): Promise<number> {
    const [r] = await rows(
      manager,
      `select coalesce(sum(amount), 0)::text as total from refunds where order_id = $1 and status = 'pending'`,
      [orderId],
    );
    return Number(r.total);
  }

  async find(manager: AnyManager, id: string): Promise<Refund | null> {
    const [r] = await rows(manager, `select * from refunds where id = $1`, [id]);
    return r ? toRefund(r) : null;
  }

  async listForOrder(manager: AnyManager, orderId: string): Promise<Refund[]> {
    return (await rows(manager, `select * from refunds where order_id = $1 order by created_at, id`, [orderId])).map(toRefund);
  }

  /** Call with the order already locked. */
  async lock(manager: SystemManager, id: string): Promise<Refund | null> {
    const [r] = await rows(manager, `select * from refunds where id = $1 for update`, [id]);
    return r ? toRefund(r) : null;
  }

  /** Pending refunds whose (next) attempt is due; not locked (the executor locks the order, then the row). */
  async dueIds(manager: SystemManager, now: Date, limit: number): Promise<Array<{ id: string; orderId: string }>> {
    const found = await rows(
      manager,
      `select id, order_id from refunds where status = 'pending' and (next_attempt_at is null or next_attempt_at <= $1)
        order by next_attempt_at nulls first limit $2`,
      [now, limit],
    );
    return found.map((r) => ({ id: r.id as string, orderId: r.order_id as string }));
  }

  async save(manager: SystemManager, refund: Refund): Promise<void> {
    await manager.query(
      `update refunds set status = $2, after_release = $3, reversal_amount = $4, stripe_reversal_id = $5, stripe_refund_id = $6,
         attempts = $7, next_attempt_at = $8, last_error = $9, completed_at = $10
       where id = $1`,
      [
        refund.id,
        refund.status,
        refund.afterRelease,
        refund.reversalAmount,
        refund.stripeReversalId,
        refund.stripeRefundId,
        refund.attempts,
        refund.nextAttemptAt,
        refund.lastError,
        refund.completedAt,
      ],
    );
  }
}

@Injectable()
export class RefundRequestsRepository {
  /** The client's request, once per workspace event; ignored while another is open. */
  async open(
    manager: AnyManager,
    order: Order,
    input: { id: string; requestedBy: string | null; requestedAt: Date; dueAt: Date; sourceEventId: string },
  ): Promise<void> {
    await manager.query(
      `insert into refund_requests (id, order_id, account_id, workspace_id, milestone_id, requested_by, requested_at, due_at, source_event_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict do nothing`,
      [
        input.id,
        order.id,
        order.accountId,
        order.workspaceId,
        order.milestoneId,
        input.requestedBy,
        input.requestedAt,
        input.dueAt,
        input.sourceEventId,
      ],
    );
  }

  /** The milestone's open request, locked (call with the order locked). */
  async lockOpen(manager: AnyManager, milestoneId: string): Promise<RefundRequest | null> {
    const [r] = await rows(manager, `select * from refund_requests where milestone_id = $1 and status = 'open' for update`, [milestoneId]);
    return r ? toRefundRequest(r) : null;
  }

  async latest(manager: AnyManager, milestoneId: string): Promise<RefundRequest | null> {
    const [r] = await rows(manager, `select * from refund_requests where milestone_id = $1 order by requested_at desc limit 1`, [
      milestoneId,
    ]);
    return r ? toRefundRequest(r) : null;
  }

  /** Open requests past their window; not locked (the caller locks the order, then the request). */
  async dueIds(manager: SystemManager, now: Date, limit: number): Promise<Array<{ milestoneId: string; orderId: string }>> {
    const found = await rows(
      manager,
      `select milestone_id, order_id from refund_requests where status = 'open' and due_at <= $1 order by due_at limit $2`,
      [now, limit],
    );
    return found.map((r) => ({ milestoneId: r.milestone_id as string, orderId: r.order_id as string }));
  }

  async decide(manager: AnyManager, request: RefundRequest): Promise<void> {
    await manager.query(
      `update refund_requests set status = $2, decided_at = $3, decided_by = $4, note = $5, refund_id = $6 where id = $1`,
      [request.id, request.status, request.decidedAt, request.decidedBy, request.note, request.refundId],
    );
  }
}
