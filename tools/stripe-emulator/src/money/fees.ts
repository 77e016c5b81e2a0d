/**
 * Fee arithmetic in integer minor units. Divisions round half up on integers only, so
 * no float ever holds an amount.
 */

/** `numerator / denominator` rounded half up, for non-negative integers. */
export function divRound(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new Error(`divRound needs integers, got ${numerator}/${denominator}`);
  }
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** Stripe's card processing fee: percentage in basis points plus a fixed part. */
export function processingFee(amount: number, percentBps: number, fixed: number): number {
  return divRound(amount * percentBps, 10_000) + fixed;
}

/** The share of `part` that `amount` is of `whole` (used for proportional reversals and fee refunds). */
export function proportional(part: number, amount: number, whole: number): number {
  if (whole === 0) return 0;
  return divRound(part * amount, whole);
}

/**
 * `application_fee_percent` is a decimal percentage (e.g. "12.5"). It is turned into
 * an integer in ten-thousandths before use, so the fee is computed on integers.
 */
export function percentOf(amount: number, percent: number): number {
  const tenThousandths = Math.round(percent * 10_000);
  return divRound(amount * tenThousandths, 1_000_000);
}
