import { AdminStartReconciliationRequest } from '../requests/billing-reconciliation.requests';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('billing');

/**
 * What a reconciliation can find: a Stripe event never delivered (`missing_event`), an order
 * whose state differs from what Stripe holds (`state_mismatch`), amounts that disagree
 * (`amount_mismatch`: flagged for a human, never overwritten), and a Stripe object of ours no
 * order accounts for (`orphan_stripe_object`).
 */
export const DRIFT_KINDS = ['missing_event', 'state_mismatch', 'amount_mismatch', 'orphan_stripe_object'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** How much of one kind of drift a run found: findings, and the money involved per currency (minor units). */
export interface DriftTally {
  count: number;
  amounts: Record<string, number>;
}

/** One finding a human should look at (amount mismatches, orphans, repairs that did not take). */
export interface ReconciliationFinding {
  kind: DriftKind;
  orderId: string | null;
  stripeObjectId: string;
  amount: number;
  currency: string | null;
  detail: string;
}

export type ReconciliationTrigger = 'schedule' | 'cli' | 'admin';

export interface ReconciliationRunView {
  id: string;
  trigger: ReconciliationTrigger;
  /** `skipped`: another replica's run held the lock; nothing was checked. */
  status: 'running' | 'completed' | 'skipped' | 'failed';
  windowStart: string;
  windowEnd: string;
  startedAt: string;
  finishedAt: string | null;
  ordersChecked: number;
  eventsChecked: number;
  drift: Record<DriftKind, DriftTally>;
  repaired: number;
  leftForHuman: number;
  findings: ReconciliationFinding[];
  error: string | null;
}

export const BillingReconciliationRpc = {
  /** Platform admins only: runs a reconciliation now and answers its record (billing audits the request). */
  adminStart: rpcPattern<ReconciliationRunView & { auditId: string }>()(
    queue,
    'billing.admin.reconciliations.start',
    AdminStartReconciliationRequest,
  ),
} as const;
