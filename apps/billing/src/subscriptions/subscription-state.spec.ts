import type Stripe from 'stripe';
import { applyGraceEnded, applyInvoicePaid, applyRenewalFailure, applySubscription } from './subscription-state';
import type { PlanPrice } from './plan-prices';
import type { SubscriptionRecord } from './subscriptions.repository';

const prices: Record<string, PlanPrice> = {
  price_pro_m: { plan: 'pro', interval: 'month', priceId: 'price_pro_m' },
  price_ent_m: { plan: 'enterprise', interval: 'month', priceId: 'price_ent_m' },
};
const planOf = (id: string | null | undefined) => (id ? (prices[id] ?? null) : null);

const record = (over: Partial<SubscriptionRecord> = {}): SubscriptionRecord => ({
  accountId: '00000000-0000-4000-8000-000000000001',
  stripeCustomerId: 'cus_1',
  stripeSubscriptionId: 'sub_1',
  status: 'active',
  plan: 'pro',
  interval: 'month',
  priceId: 'price_pro_m',
  currentPeriodStart: null,
  currentPeriodEnd: null,
  cancelAtPeriodEnd: false,
  pendingPlan: null,
  pendingInterval: null,
  pendingAt: null,
  nextInvoiceAmount: null,
  currency: 'USD',
  standing: 'active',
  pastDueSince: null,
  locksAt: null,
  openInvoiceId: null,
  entitlementsVersion: 1,
  stripeSyncedAt: null,
  updatedAt: new Date(0),
  ...over,
});

const subscription = (over: Partial<Stripe.Subscription> & { price?: string; amount?: number } = {}): Stripe.Subscription =>
  ({
    id: 'sub_1',
    status: 'active',
    cancel_at_period_end: false,
    currency: 'usd',
    schedule: null,
    items: {
      data: [
        {
          id: 'si_1',
          quantity: 1,
          current_period_start: 1_000,
          current_period_end: 2_000,
          price: { id: over.price ?? 'price_pro_m', unit_amount: over.amount ?? 2_900 },
        },
      ],
    },
    ...over,
  }) as unknown as Stripe.Subscription;

const invoice = (over: Partial<Stripe.Invoice>): Stripe.Invoice =>
  ({
    id: 'in_1',
    status: 'open',
    billing_reason: 'subscription_cycle',
    parent: { subscription_details: { subscription: 'sub_1' } },
    ...over,
  }) as Stripe.Invoice;

describe('subscription state rules', () => {
  it('an active subscription grants its price’s plan; the next invoice is the pending plan’s price when a schedule changes it at renewal', () => {
    const plain = applySubscription(record({ status: 'none', plan: 'free' }), subscription(), planOf, new Date());
    expect(plain).toMatchObject({ plan: 'pro', interval: 'month', nextInvoiceAmount: 2_900, pendingPlan: null });
    const scheduled = applySubscription(
      record(),
      subscription({
        price: 'price_ent_m',
        amount: 9_900,
        schedule: {
          status: 'active',
          phases: [
            { start_date: 1_000, items: [{ price: 'price_ent_m' }] },
            { start_date: 2_000, items: [{ price: 'price_pro_m' }] },
          ],
        } as never,
      }),
      planOf,
      new Date(),
    );
    expect(scheduled).toMatchObject({ plan: 'enterprise', pendingPlan: 'pro', pendingAt: new Date(2_000_000), nextInvoiceAmount: 2_900 });
  });

  it('an ended or unknown-price subscription grants the free plan; an ended one clears the standing; cancelling shows no next invoice', () => {
    const ended = applySubscription(
      record({ standing: 'locked', pastDueSince: new Date(5) }),
      subscription({ status: 'canceled' }),
      planOf,
      new Date(),
    );
    expect(ended).toMatchObject({ plan: 'free', standing: 'active', pastDueSince: null });
    expect(applySubscription(record(), subscription({ price: 'price_elsewhere' }), planOf, new Date()).plan).toBe('free');
    expect(applySubscription(record(), subscription({ cancel_at_period_end: true }), planOf, new Date()).nextInvoiceAmount).toBeNull();
  });

  it('a renewal failure on an open invoice → past_due with the grace; paid, other or repeated failures change nothing', () => {
    const failedAt = new Date('2026-03-01T00:00:00Z');
    const pastDue = applyRenewalFailure(record(), invoice({}), failedAt, 7);
    expect(pastDue).toMatchObject({
      standing: 'past_due',
      pastDueSince: failedAt,
      locksAt: new Date('2026-03-08T00:00:00Z'),
      openInvoiceId: 'in_1',
    });
    expect(applyRenewalFailure(pastDue, invoice({ id: 'in_2' }), new Date(), 7)).toBe(pastDue);
    const r = record();
    expect(applyRenewalFailure(r, invoice({ status: 'paid' }), failedAt, 7)).toBe(r);
    expect(applyRenewalFailure(r, invoice({ billing_reason: 'subscription_create' }), failedAt, 7)).toBe(r);
    expect(applyRenewalFailure(r, invoice({ parent: { subscription_details: { subscription: 'sub_other' } } as never }), failedAt, 7)).toBe(
      r,
    );
  });

  it('locks only when the grace has ended; paying the open invoice clears everything at once', () => {
    const pastDue = record({ standing: 'past_due', pastDueSince: new Date(0), locksAt: new Date(1_000), openInvoiceId: 'in_1' });
    expect(applyGraceEnded(pastDue, new Date(999))).toBe(pastDue);
    const locked = applyGraceEnded(pastDue, new Date(1_000));
    expect(locked).toMatchObject({ standing: 'locked', locksAt: null, pastDueSince: new Date(0) });
    expect(applyInvoicePaid(locked, invoice({ id: 'in_other', status: 'paid' }))).toBe(locked);
    expect(applyInvoicePaid(locked, invoice({ status: 'open' }))).toBe(locked);
    expect(applyInvoicePaid(locked, invoice({ status: 'paid' }))).toMatchObject({
      standing: 'active',
      pastDueSince: null,
      openInvoiceId: null,
    });
  });
});
