import { escrowedOf, resolutionAmounts } from './resolution-amounts';

describe('dispute resolution amounts', () => {
  it('escrow is what was charged and neither released nor refunded', () => {
    expect(escrowedOf({ charged: 10_000, released: 0, platformFee: 0, refunded: 2_500, disputed: 0 })).toBe(7_500);
  });

  it('release and refund move everything escrowed', () => {
    expect(resolutionAmounts('release', 7_500, {})).toEqual({ releaseAmount: 7_500, refundAmount: 0 });
    expect(resolutionAmounts('refund', 7_500, { refundAmount: 7_500 })).toEqual({ releaseAmount: 0, refundAmount: 7_500 });
  });

  it('a split must name two positive parts summing exactly to the escrow', () => {
    expect(resolutionAmounts('split', 10_000, { releaseAmount: 6_001, refundAmount: 3_999 })).toEqual({
      releaseAmount: 6_001,
      refundAmount: 3_999,
    });
    for (const asked of [
      { releaseAmount: 6_000, refundAmount: 3_999 },
      { releaseAmount: 10_000 },
      { releaseAmount: 5_000, refundAmount: 5_001 },
    ])
      expect(() => resolutionAmounts('split', 10_000, asked)).toThrow(expect.objectContaining({ status: 422 }));
  });

  it('refuses parts on a full outcome and a decision with nothing escrowed', () => {
    expect(() => resolutionAmounts('release', 10_000, { refundAmount: 1 })).toThrow(expect.objectContaining({ status: 422 }));
    expect(() => resolutionAmounts('refund', 10_000, { refundAmount: 9_999 })).toThrow(expect.objectContaining({ status: 422 }));
    expect(() => resolutionAmounts('release', 0, {})).toThrow(expect.objectContaining({ status: 422 }));
  });
});
