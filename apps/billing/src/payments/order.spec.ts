import { milestoneMoneyStateSchema } from '@fpms/contracts';
import { moneyStateOf, Order, statusOf } from './order';

const order = (money: Partial<Order>): Order =>
  ({ currency: 'EUR', charged: 0, released: 0, platformFee: 0, refunded: 0, disputed: 0, ...money }) as Order;

describe('order status from its amounts', () => {
  it('follows the money: pending or failed before payment, held, released, refunded', () => {
    expect(statusOf(order({}), false)).toBe('pending');
    expect(statusOf(order({}), true)).toBe('payment_failed');
    expect(statusOf(order({ charged: 1000 }), true)).toBe('held');
    expect(statusOf(order({ charged: 1000, released: 1000 }), false)).toBe('released');
    expect(statusOf(order({ charged: 1000, refunded: 1000 }), false)).toBe('refunded');
    expect(statusOf(order({ charged: 1000, refunded: 400 }), false)).toBe('held');
  });

  it('always produces a money state the event contract accepts', () => {
    for (const money of [{}, { charged: 1000 }, { charged: 1000, released: 1000, platformFee: 50 }, { charged: 1000, refunded: 1000 }]) {
      const o = order(money);
      o.status = statusOf(o, false);
      expect(milestoneMoneyStateSchema.safeParse(moneyStateOf(o)).success).toBe(true);
    }
  });
});
