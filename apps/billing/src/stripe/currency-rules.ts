/**
 * Stripe takes every amount in the currency's smallest unit, which is what our minor units
 * are: cents for EUR, yen for JPY (zero-decimal), fils for KWD (three-decimal). For the
 * three-decimal currencies Stripe also requires the last digit to be 0
 * (https://docs.stripe.com/currencies#three-decimal).
 */
const THREE_DECIMAL_CURRENCIES = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/** Why Stripe would refuse to charge `amount` minor units of `currency`, or null. */
export function chargeableAmountProblem(amount: number, currency: string): string | null {
  if (THREE_DECIMAL_CURRENCIES.has(currency.toUpperCase()) && amount % 10 !== 0) {
    return `${currency} amounts must be a multiple of 10 minor units (Stripe charges three-decimal currencies in steps of 0.010)`;
  }
  return null;
}
