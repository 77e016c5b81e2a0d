/**
 * The tax split of an amount the client pays. Milestone prices are what the client pays
 * (tax included), so the invoice splits the total: tax = round(total × rate / (1 + rate)),
 * rate in basis points, half up, in integer minor units; subtotal = total − tax. No tax
 * engine: the rate is the freelancer's.
 */
export function splitTax(total: number, rateBasisPoints: number): { subtotal: number; taxAmount: number } {
  if (!Number.isSafeInteger(total) || total < 0) throw new Error(`splitTax: total must be a non-negative integer, got ${total}`);
  if (!Number.isInteger(rateBasisPoints) || rateBasisPoints < 0 || rateBasisPoints > 10_000)
    throw new Error(`splitTax: rate must be 0–10000 basis points, got ${rateBasisPoints}`);
  // Integer arithmetic: (2·total·rate + (10000 + rate)) div (2·(10000 + rate)) rounds half up.
  const denominator = 10_000 + rateBasisPoints;
  const taxAmount = Number((2n * BigInt(total) * BigInt(rateBasisPoints) + BigInt(denominator)) / (2n * BigInt(denominator)));
  return { subtotal: total - taxAmount, taxAmount };
}
