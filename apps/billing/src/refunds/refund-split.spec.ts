import { splitRefundAfterRelease } from './refund-split';

describe('splitRefundAfterRelease', () => {
  const released = { released: 10_000, platformFee: 500, releasedAtRelease: 10_000, feeAtRelease: 500 };

  it('a full refund reverses the whole transfer and the platform keeps no fee', () => {
    expect(splitRefundAfterRelease({ refund: 10_000, ...released })).toEqual({ releasedAfter: 0, feeAfter: 0, reversal: 9_500 });
  });

  it('a partial refund takes the fee share with it', () => {
    expect(splitRefundAfterRelease({ refund: 4_000, ...released })).toEqual({ releasedAfter: 6_000, feeAfter: 300, reversal: 3_800 });
  });

  it('two partial refunds equal one of their sum (scaled from the release, rounding toward the freelancer)', () => {
    const first = splitRefundAfterRelease({ refund: 3_333, ...released });
    const second = splitRefundAfterRelease({
      refund: 3_333,
      released: first.releasedAfter,
      platformFee: first.feeAfter,
      releasedAtRelease: 10_000,
      feeAtRelease: 500,
    });
    const once = splitRefundAfterRelease({ refund: 6_666, ...released });
    expect(second.feeAfter).toBe(once.feeAfter);
    expect(first.reversal + second.reversal).toBe(once.reversal);
    expect(first.feeAfter).toBe(Math.floor((500 * 6_667) / 10_000));
  });
});
