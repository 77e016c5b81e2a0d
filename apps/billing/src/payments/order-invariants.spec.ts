import type { LedgerEntryView } from '@fpms/contracts';
import type { Order } from './order';
import { orderInvariantViolations } from './order-invariants';

const order = (over: Partial<Order>): Order =>
  ({
    id: 'o',
    currency: 'EUR',
    status: 'released',
    charged: 10_000,
    released: 6_000,
    platformFee: 300,
    refunded: 4_000,
    disputed: 0,
    ...over,
  }) as Order;
const entry = (kind: LedgerEntryView['kind'], amount: number, id = `${kind}-${amount}`): LedgerEntryView => ({
  id,
  kind,
  amount,
  currency: 'EUR',
  stripeObjectId: id,
  stripeEventId: null,
  createdAt: '',
});
// Released 10,000 (fee 500, transfer 9,500), then 4,000 refunded after release: 3,800 reversed, fee down to 300.
const ledger = [
  entry('charge', 10_000),
  entry('transfer', 9_500),
  entry('platform_fee', 500),
  entry('reversal', 3_800),
  entry('refund', 4_000),
];

describe('orderInvariantViolations', () => {
  it('accepts a consistent order after a refund following release', () => {
    expect(orderInvariantViolations(order({}), ledger)).toEqual([]);
  });

  it('names each broken rule', () => {
    expect(orderInvariantViolations(order({ refunded: 5_000, status: 'released' }), ledger)).toEqual([
      'released 6000 + refunded 5000 exceed charged 10000',
      'ledger refunds 4000 ≠ refunded 5000',
    ]);
    expect(orderInvariantViolations(order({}), ledger.slice(0, 4))).toEqual(['ledger refunds 0 ≠ refunded 4000']);
    expect(orderInvariantViolations(order({ platformFee: 200 }), ledger)).toEqual([
      'ledger transfers − reversals 5700 ≠ released − platform fee 5800',
    ]);
    expect(orderInvariantViolations(order({ status: 'held' }), ledger)).toEqual(['status held does not match the amounts (released)']);
  });

  it('holds for a pay-now order after a partial refund with reverse_transfer, and refuses one that holds money', () => {
    // Destination charge 10,000, fee 500 (transfer 10,000 gross, 9,500 net); refund 4,000 reverses 4,000, gives back 200 of the fee.
    const payNow = order({ kind: 'pay_now', charged: 10_000, released: 6_000, platformFee: 300, refunded: 4_000 });
    const payNowLedger = [
      entry('charge', 10_000),
      entry('transfer', 9_500),
      entry('platform_fee', 500),
      entry('refund', 4_000),
      entry('reversal', 3_800),
    ];
    expect(orderInvariantViolations(payNow, payNowLedger)).toEqual([]);
    expect(orderInvariantViolations({ ...payNow, released: 5_000, platformFee: 300, status: 'released' }, payNowLedger)).toEqual([
      'pay-now order holds 1000; it is released as charged',
      'ledger transfers − reversals 5700 ≠ released − platform fee 4700',
    ]);
    // An hourly week is the same destination charge: nothing held once charged.
    expect(
      orderInvariantViolations({ ...payNow, kind: 'hourly_week', released: 5_000, platformFee: 300, status: 'released' }, payNowLedger),
    ).toEqual([
      'hourly-week order holds 1000; it is released as charged',
      'ledger transfers − reversals 5700 ≠ released − platform fee 4700',
    ]);
  });
});
