import { payoutMoves } from './payout-status';

describe('payout status machine', () => {
  it('moves forward through Stripe lifecycle, including paid → failed (a returned payout)', () => {
    expect(payoutMoves('pending', 'in_transit')).toBe(true);
    expect(payoutMoves('pending', 'paid')).toBe(true);
    expect(payoutMoves('in_transit', 'paid')).toBe(true);
    expect(payoutMoves('paid', 'failed')).toBe(true);
    expect(payoutMoves('pending', 'failed')).toBe(true);
    expect(payoutMoves('pending', 'canceled')).toBe(true);
  });

  it('never resurrects a failed or canceled payout, nor goes back', () => {
    expect(payoutMoves('failed', 'paid')).toBe(false);
    expect(payoutMoves('failed', 'failed')).toBe(false);
    expect(payoutMoves('canceled', 'paid')).toBe(false);
    expect(payoutMoves('paid', 'in_transit')).toBe(false);
    expect(payoutMoves('paid', 'paid')).toBe(false);
    expect(payoutMoves('in_transit', 'pending')).toBe(false);
  });
});
