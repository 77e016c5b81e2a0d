import type { PayoutStatus } from '@fpms/contracts';

/**
 * Stripe's payout lifecycle (docs.stripe.com/payouts, "Payout statuses"): a payout is created
 * `pending`, becomes `in_transit` when submitted to the bank and `paid` when it is expected to
 * be available there; it may end `failed` or `canceled` before that, and a `paid` payout can
 * still turn `failed` (the bank returned it, typically within a few business days). `failed`
 * and `canceled` are final. So each status has a rank and only a higher rank moves a payout:
 * duplicates and late events (a `paid` delivered after its `failed`) change nothing.
 */
const RANK: Record<PayoutStatus, number> = { pending: 0, in_transit: 1, paid: 2, failed: 3, canceled: 3 };

export function isPayoutStatus(value: unknown): value is PayoutStatus {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(RANK, value);
}

/** Whether a payout held at `current` moves to `next` (never out of a final status). */
export function payoutMoves(current: PayoutStatus, next: PayoutStatus): boolean {
  if (current === 'failed' || current === 'canceled') return false;
  return RANK[next] > RANK[current];
}
