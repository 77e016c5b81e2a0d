import { Addressed } from '../requests/addressed';
import { CreateRefundBody, RefundRequestDecisionBody } from '../requests/billing-refunds.requests';
import type { MilestoneMoneyState } from '../events/billing.events';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('billing');

/**
 * One refund of a milestone's payment. `pending`: recorded and counted against what is left,
 * Stripe not done yet (retried with backoff, `lastError` says why); `succeeded`: the money is
 * back with the client and the ledger and events say so.
 */
export interface RefundView {
  id: string;
  orderId: string;
  milestoneId: string;
  amount: number;
  currency: string;
  status: 'pending' | 'succeeded';
  /** The transfer had been made: part of it was reversed first (`reversalAmount`). */
  afterRelease: boolean | null;
  reversalAmount: number | null;
  /** owner: at will; request: the owner accepted the client's request; auto: the request went unanswered; dispute: an in-app dispute's refund part. */
  initiatedBy: 'owner' | 'request' | 'auto' | 'dispute';
  reason: string | null;
  stripe: { refundId: string | null; reversalId: string | null };
  attempts: number;
  lastError: string | null;
  money: MilestoneMoneyState;
  createdAt: string;
}

export interface RefundRequestView {
  id: string;
  milestoneId: string;
  status: 'open' | 'accepted' | 'contested' | 'settled';
  requestedBy: string | null;
  requestedAt: string;
  /** Accepted automatically at this time if the owner has not answered. */
  dueAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  refundId: string | null;
}

export const BillingRefundsRpc = {
  /** The owner refunds (part of) what is left: 409 `refund_exceeds_remaining` beyond it, nothing changed. */
  create: rpcPattern<RefundView>()(queue, 'billing.refunds.create', Addressed(CreateRefundBody, 'workspaceId', 'milestoneId')),
  /** The owner accepts the client's open refund request: everything left is refunded. */
  acceptRequest: rpcPattern<RefundRequestView & { refund: RefundView }>()(
    queue,
    'billing.refunds.accept-request',
    Addressed(RefundRequestDecisionBody, 'workspaceId', 'milestoneId'),
  ),
  /** The owner contests it: no money moves; the request stays on record for an in-app dispute. */
  contestRequest: rpcPattern<RefundRequestView>()(
    queue,
    'billing.refunds.contest-request',
    Addressed(RefundRequestDecisionBody, 'workspaceId', 'milestoneId'),
  ),
} as const;
