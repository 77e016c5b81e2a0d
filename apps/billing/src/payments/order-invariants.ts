import type { LedgerEntryKind, LedgerEntryView } from '@fpms/contracts';
import { isDestinationCharge, Order, statusOf } from './order';

/**
 * What must hold for every order and its ledger, whatever happened to it (integer minor
 * units of the order's currency; `released` is gross as the contract defines it, the
 * freelancer's transfer being released − platformFee):
 *
 *   held = charged − released − refunded ≥ 0       every cent charged is released, refunded or held
 *   disputed ≤ charged; platformFee ≤ released      (the fee is only ever kept from released money)
 *   status = statusOf(amounts)
 *   Σ charge = charged                              (the ledger saw the payment once)
 *   Σ transfer − Σ reversal = released − platformFee (what the freelancer holds)
 *   Σ refund = refunded                             (until chargebacks add lost disputes to `refunded`)
 *   Σ platform_fee ≥ platformFee                    (refunds after release only lower the fee kept)
 *   every entry in the order's currency, every amount a positive integer
 *   pay-now, hourly week: held = 0 once charged (a destination charge is released as it succeeds), and
 *            never a release request (nothing for the release worker to do)
 *
 * A pay-now order's transfer entry is Stripe's destination transfer net of the application
 * fee, its reversals net of the fee Stripe gave back: the same two sums as escrow.
 * From these, the platform's cash for the order is charged − Σtransfer + Σreversal − Σrefund
 * = platformFee + held. Answers the violations (empty: all hold).
 */
export function orderInvariantViolations(order: Order, ledger: LedgerEntryView[]): string[] {
  const problems: string[] = [];
  const sum = (kind: LedgerEntryKind) => ledger.filter((e) => e.kind === kind).reduce((total, e) => total + e.amount, 0);
  const held = order.charged - order.released - order.refunded;
  const amounts = {
    charged: order.charged,
    released: order.released,
    refunded: order.refunded,
    platformFee: order.platformFee,
    disputed: order.disputed,
  };
  for (const [name, value] of Object.entries(amounts))
    if (!Number.isSafeInteger(value) || value < 0) problems.push(`${name} ${value} is not a non-negative integer`);
  if (held < 0) problems.push(`released ${order.released} + refunded ${order.refunded} exceed charged ${order.charged}`);
  if (order.disputed > order.charged) problems.push(`disputed ${order.disputed} exceeds charged ${order.charged}`);
  if (order.platformFee > order.released) problems.push(`platform fee ${order.platformFee} exceeds released ${order.released}`);
  if (order.charged > 0 && order.status !== statusOf(order, false))
    problems.push(`status ${order.status} does not match the amounts (${statusOf(order, false)})`);
  const kind = String(order.kind).replace('_', '-');
  if (isDestinationCharge(order) && order.charged > 0 && held !== 0)
    problems.push(`${kind} order holds ${held}; it is released as charged`);
  if (isDestinationCharge(order) && order.releaseRequestedAt) problems.push(`${kind} order has a release request`);
  if (sum('charge') !== order.charged) problems.push(`ledger charges ${sum('charge')} ≠ charged ${order.charged}`);
  const transferred = sum('transfer') - sum('reversal');
  if (transferred !== order.released - order.platformFee)
    problems.push(`ledger transfers − reversals ${transferred} ≠ released − platform fee ${order.released - order.platformFee}`);
  const lostDisputes = ledger.some((e) => e.kind === 'dispute');
  if (!lostDisputes && sum('refund') !== order.refunded) problems.push(`ledger refunds ${sum('refund')} ≠ refunded ${order.refunded}`);
  if (sum('platform_fee') < order.platformFee)
    problems.push(`ledger platform fees ${sum('platform_fee')} < platform fee ${order.platformFee}`);
  for (const e of ledger) {
    if (e.currency !== order.currency) problems.push(`${e.kind} ${e.stripeObjectId} in ${e.currency}, order in ${order.currency}`);
    if (!Number.isSafeInteger(e.amount) || e.amount <= 0) problems.push(`${e.kind} ${e.stripeObjectId} amount ${e.amount}`);
  }
  return problems;
}
