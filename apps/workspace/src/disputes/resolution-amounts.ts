import type { DisputeOutcome } from '@fpms/contracts';
import type { MoneyAmounts } from '../milestones/milestone-state-machine';
import { DisputeError } from './dispute.errors';

export interface ResolutionAmounts {
  releaseAmount: number;
  refundAmount: number;
}

/** What is escrowed: charged and neither released nor refunded (integer minor units). */
export const escrowedOf = (money: MoneyAmounts): number => Math.max(money.charged - money.released - money.refunded, 0);

/**
 * The money a decision moves. `release` and `refund` move everything escrowed (amounts, if
 * given, must be exactly that); `split` moves both parts, each positive, summing to it.
 * Anything else is 422 and nothing is decided.
 */
export function resolutionAmounts(
  outcome: DisputeOutcome,
  escrowed: number,
  asked: { releaseAmount?: number; refundAmount?: number },
): ResolutionAmounts {
  const details = { outcome, escrowed, releaseAmount: asked.releaseAmount ?? null, refundAmount: asked.refundAmount ?? null };
  if (escrowed <= 0) throw DisputeError.resolutionInvalid('Nothing is escrowed for this milestone', details);
  const expected: ResolutionAmounts =
    outcome === 'release'
      ? { releaseAmount: escrowed, refundAmount: 0 }
      : outcome === 'refund'
        ? { releaseAmount: 0, refundAmount: escrowed }
        : { releaseAmount: asked.releaseAmount ?? 0, refundAmount: asked.refundAmount ?? 0 };
  if (outcome === 'split') {
    if (!asked.releaseAmount || !asked.refundAmount)
      throw DisputeError.resolutionInvalid('A split names a positive releaseAmount and refundAmount', details);
    if (asked.releaseAmount + asked.refundAmount !== escrowed)
      throw DisputeError.resolutionInvalid(`releaseAmount + refundAmount must be exactly the escrowed ${escrowed}`, details);
    return expected;
  }
  const other = outcome === 'release' ? asked.refundAmount : asked.releaseAmount;
  const own = outcome === 'release' ? asked.releaseAmount : asked.refundAmount;
  if ((other !== undefined && other !== 0) || (own !== undefined && own !== escrowed))
    throw DisputeError.resolutionInvalid(`A ${outcome} moves everything escrowed (${escrowed}); use split for parts`, details);
  return expected;
}
