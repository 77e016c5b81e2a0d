/**
 * How a refund after release divides between the freelancer and the platform.
 *
 * Stripe's `refund_application_fee` only exists for destination charges; ours are separate
 * transfers, so we reverse the transfer ourselves. The rule: the platform keeps no fee on
 * refunded money. Its fee after the refund is its fee at release scaled to what stays
 * released, rounded down (a rounding cent goes to the freelancer, never to the platform):
 *
 *   feeAfter      = floor(feeAtRelease × releasedAfter / releasedAtRelease)
 *   reversal      = (released − fee) − (releasedAfter − feeAfter)      (what the freelancer gives back)
 *   platform pays = refund − reversal = fee − feeAfter                  (the fee it gives up)
 *
 * Scaling from the release-time figures (not the current ones) keeps several partial refunds
 * equal to one refund of their sum. A full refund reverses the whole transfer and the fee
 * goes to zero.
 */
export interface RefundSplit {
  releasedAfter: number;
  feeAfter: number;
  reversal: number;
}

export function splitRefundAfterRelease(input: {
  refund: number;
  released: number;
  platformFee: number;
  releasedAtRelease: number;
  feeAtRelease: number;
}): RefundSplit {
  const releasedAfter = input.released - input.refund;
  if (releasedAfter < 0) throw new Error(`refund ${input.refund} exceeds released ${input.released}`);
  const feeAfter = input.releasedAtRelease === 0 ? 0 : Math.floor((input.feeAtRelease * releasedAfter) / input.releasedAtRelease);
  const reversal = input.released - input.platformFee - (releasedAfter - feeAfter);
  return { releasedAfter, feeAfter: Math.min(feeAfter, input.platformFee), reversal: Math.max(reversal, 0) };
}
