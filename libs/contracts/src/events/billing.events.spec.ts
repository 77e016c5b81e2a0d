import { randomUUID } from 'node:crypto';
import { BillingEvents, milestoneMoneyStateSchema, parseBillingMilestoneEvent } from './billing.events';

const held = { status: 'held', currency: 'EUR', charged: 1_000, released: 0, platformFee: 0, refunded: 0, disputed: 0 } as const;

describe('billing money state contract', () => {
  it('accepts states whose label agrees with the amounts', () => {
    for (const state of [
      { ...held, status: 'pending', charged: 0 },
      { ...held, status: 'payment_failed', charged: 0 },
      held,
      { ...held, refunded: 300 },
      { ...held, disputed: 1_000 },
      { ...held, status: 'released', released: 1_000, platformFee: 100 },
      { ...held, status: 'released', released: 1_000, platformFee: 100, disputed: 1_000 },
      { ...held, status: 'refunded', refunded: 1_000 },
    ]) {
      expect(milestoneMoneyStateSchema.safeParse(state).success).toBe(true);
    }
  });

  it('refuses amounts that cannot add up, labels that contradict them, and non-integer money', () => {
    for (const state of [
      { ...held, released: 800, refunded: 300, status: 'released' },
      { ...held, disputed: 1_001 },
      { ...held, status: 'released' },
      { ...held, status: 'refunded', refunded: 999 },
      { ...held, status: 'pending' },
      { ...held, charged: 10.5 },
      { ...held, refunded: -1 },
      { ...held, currency: 'eur' },
    ]) {
      expect(milestoneMoneyStateSchema.safeParse(state).success).toBe(false);
    }
  });

  it('every milestone event needs the state, in its own currency', () => {
    const milestoneId = randomUUID();
    const workspaceId = randomUUID();
    const envelope = (data: Record<string, unknown>) => ({
      id: randomUUID(),
      type: BillingEvents.milestoneFunded,
      tenant: { accountId: randomUUID(), workspaceId },
      aggregateId: milestoneId,
      aggregateVersion: 0,
      occurredAt: new Date().toISOString(),
      data: { milestoneId, workspaceId, orderId: 'ord_1', amount: 1_000, currency: 'EUR', chargeId: 'ch_1', ...data },
    });
    expect(parseBillingMilestoneEvent(envelope({ money: held })).data.money).toEqual(held);
    expect(() => parseBillingMilestoneEvent(envelope({}))).toThrow();
    expect(() => parseBillingMilestoneEvent(envelope({ money: { ...held, currency: 'USD' } }))).toThrow(/currency/);
  });
});
