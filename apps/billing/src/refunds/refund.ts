import type { RefundRequestView, RefundView } from '@fpms/contracts';
import { moneyStateOf, Order } from '../payments/order';
import { dateOrNull, numberOrNull } from '../payments/row-values';

/** A `refunds` row. Its id is the idempotency key of its Stripe calls. */
export interface Refund {
  id: string;
  orderId: string;
  accountId: string;
  workspaceId: string;
  milestoneId: string;
  amount: number;
  currency: string;
  status: 'pending' | 'succeeded';
  initiatedBy: 'owner' | 'request' | 'auto' | 'dispute';
  initiatedByUser: string | null;
  refundRequestId: string | null;
  reason: string | null;
  afterRelease: boolean | null;
  reversalAmount: number | null;
  stripeReversalId: string | null;
  stripeRefundId: string | null;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface RefundRequest {
  id: string;
  orderId: string;
  accountId: string;
  workspaceId: string;
  milestoneId: string;
  status: 'open' | 'accepted' | 'contested' | 'settled';
  requestedBy: string | null;
  requestedAt: Date;
  dueAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  note: string | null;
  refundId: string | null;
}

type Row = Record<string, unknown>;

export function toRefund(r: Row): Refund {
  return {
    id: r.id as string,
    orderId: r.order_id as string,
    accountId: r.account_id as string,
    workspaceId: r.workspace_id as string,
    milestoneId: r.milestone_id as string,
    amount: Number(r.amount),
    currency: r.currency as string,
    status: r.status as Refund['status'],
    initiatedBy: r.initiated_by as Refund['initiatedBy'],
    initiatedByUser: (r.initiated_by_user as string) ?? null,
    refundRequestId: (r.refund_request_id as string) ?? null,
    reason: (r.reason as string) ?? null,
    afterRelease: (r.after_release as boolean) ?? null,
    reversalAmount: numberOrNull(r.reversal_amount),
    stripeReversalId: (r.stripe_reversal_id as string) ?? null,
    stripeRefundId: (r.stripe_refund_id as string) ?? null,
    attempts: Number(r.attempts),
    nextAttemptAt: dateOrNull(r.next_attempt_at),
    lastError: (r.last_error as string) ?? null,
    createdAt: dateOrNull(r.created_at) as Date,
    completedAt: dateOrNull(r.completed_at),
  };
}

export function toRefundRequest(r: Row): RefundRequest {
  return {
    id: r.id as string,
    orderId: r.order_id as string,
    accountId: r.account_id as string,
    workspaceId: r.workspace_id as string,
    milestoneId: r.milestone_id as string,
    status: r.status as RefundRequest['status'],
    requestedBy: (r.requested_by as string) ?? null,
    requestedAt: dateOrNull(r.requested_at) as Date,
    dueAt: dateOrNull(r.due_at) as Date,
    decidedAt: dateOrNull(r.decided_at),
    decidedBy: (r.decided_by as string) ?? null,
    note: (r.note as string) ?? null,
    refundId: (r.refund_id as string) ?? null,
  };
}

export function refundView(refund: Refund, order: Order): RefundView {
  return { ...refundEntryView(refund), money: moneyStateOf(order) };
}

export function refundEntryView(refund: Refund): Omit<RefundView, 'money'> {
  return {
    id: refund.id,
    orderId: refund.orderId,
    milestoneId: refund.milestoneId,
    amount: refund.amount,
    currency: refund.currency,
    status: refund.status,
    afterRelease: refund.afterRelease,
    reversalAmount: refund.reversalAmount,
    initiatedBy: refund.initiatedBy,
    reason: refund.reason,
    stripe: { refundId: refund.stripeRefundId, reversalId: refund.stripeReversalId },
    attempts: refund.attempts,
    lastError: refund.lastError,
    createdAt: refund.createdAt.toISOString(),
  };
}

export function refundRequestView(request: RefundRequest): RefundRequestView {
  return {
    id: request.id,
    milestoneId: request.milestoneId,
    status: request.status,
    requestedBy: request.requestedBy,
    requestedAt: request.requestedAt.toISOString(),
    dueAt: request.dueAt.toISOString(),
    decidedAt: request.decidedAt?.toISOString() ?? null,
    decidedBy: request.decidedBy,
    refundId: request.refundId,
  };
}

/** What may still be refunded: charged, less what was refunded and what refunds in progress will take. */
export function refundableOf(order: Order, pendingTotal: number): number {
  return Math.max(order.charged - order.refunded - pendingTotal, 0);
}
