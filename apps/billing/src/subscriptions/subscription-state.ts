import type Stripe from 'stripe';
import { DEFAULT_PLAN, PLAN_PRICES, type BillingInterval } from '@fpms/contracts';
import type { PlanPrice } from './plan-prices';
import type { SubscriptionRecord } from './subscriptions.repository';

/** Statuses in which a subscription grants its plan (Stripe still bills it). */
const GRANTING = new Set<string>(['active', 'past_due', 'trialing', 'unpaid']);

export const grantsPlan = (status: string) => GRANTING.has(status);

const at = (unix: number) => new Date(unix * 1000);
const DAY_MS = 86_400_000;

/**
 * The record after Stripe's subscription as it is now (re-fetched, schedule expanded): the
 * plan its price grants while it is active or still being billed, the free plan once it
 * ended (or before its first payment); the pending change from its schedule's next phase.
 * An ended subscription leaves nothing owed under the free plan, so its standing clears.
 */
export function applySubscription(
  record: SubscriptionRecord,
  sub: Stripe.Subscription,
  planOf: (priceId: string | null | undefined) => PlanPrice | null,
  syncedAt: Date,
): SubscriptionRecord {
  const item = sub.items.data[0];
  const price = planOf(item?.price.id);
  const granting = grantsPlan(sub.status) && price !== null;
  const next: SubscriptionRecord = {
    ...record,
    stripeSubscriptionId: sub.id,
    status: sub.status,
    plan: granting ? price.plan : DEFAULT_PLAN,
    interval: price?.interval ?? null,
    priceId: item?.price.id ?? null,
    currentPeriodStart: item ? at(item.current_period_start) : null,
    currentPeriodEnd: item ? at(item.current_period_end) : null,
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    pendingPlan: null,
    pendingInterval: null,
    pendingAt: null,
    nextInvoiceAmount: null,
    currency: sub.currency.toUpperCase(),
    stripeSyncedAt: syncedAt,
  };
  const schedule = typeof sub.schedule === 'object' ? sub.schedule : null;
  if (granting && item && schedule?.status === 'active') {
    const phase = schedule.phases.find((p) => p.start_date >= item.current_period_end);
    const pending = planOf(phase ? (typeof phase.items[0]?.price === 'string' ? phase.items[0].price : phase.items[0]?.price.id) : null);
    if (phase && pending && pending.priceId !== item.price.id) {
      next.pendingPlan = pending.plan;
      next.pendingInterval = pending.interval;
      next.pendingAt = at(phase.start_date);
    }
  }
  if (granting && !sub.cancel_at_period_end && next.interval) {
    const plan = next.pendingPlan && next.pendingAt?.getTime() === next.currentPeriodEnd?.getTime() ? next.pendingPlan : null;
    next.nextInvoiceAmount =
      plan && next.pendingInterval ? priceOf(plan, next.pendingInterval) : (item.price.unit_amount ?? 0) * (item.quantity ?? 1);
  }
  if (!grantsPlan(sub.status) && sub.status !== 'incomplete') return { ...next, ...clearedStanding() };
  return next;
}

function priceOf(plan: string, interval: BillingInterval): number {
  return plan in PLAN_PRICES ? PLAN_PRICES[plan as keyof typeof PLAN_PRICES][interval] : 0;
}

const clearedStanding = () => ({ standing: 'active' as const, pastDueSince: null, locksAt: null, openInvoiceId: null });

const subscriptionOf = (invoice: Stripe.Invoice) => {
  const sub = invoice.parent?.subscription_details?.subscription;
  return typeof sub === 'string' ? sub : (sub?.id ?? null);
};

/**
 * A renewal's payment failed (the invoice, re-fetched, is still open): an active account
 * becomes past_due from the failure, and locks `graceDays` later unless paid. One already
 * past due or locked stays as it is (its first unpaid invoice counts); a paid or voided
 * invoice, or one of another subscription, changes nothing.
 */
export function applyRenewalFailure(
  record: SubscriptionRecord,
  invoice: Stripe.Invoice,
  failedAt: Date,
  graceDays: number,
): SubscriptionRecord {
  if (invoice.status !== 'open' || invoice.billing_reason !== 'subscription_cycle') return record;
  if (subscriptionOf(invoice) !== record.stripeSubscriptionId || record.standing !== 'active') return record;
  if (!grantsPlan(record.status)) return record;
  return {
    ...record,
    standing: 'past_due',
    pastDueSince: failedAt,
    locksAt: new Date(failedAt.getTime() + graceDays * DAY_MS),
    openInvoiceId: invoice.id,
  };
}

/** The open invoice got paid (re-fetched: it is paid): the account is active again at once. */
export function applyInvoicePaid(record: SubscriptionRecord, invoice: Stripe.Invoice): SubscriptionRecord {
  if (invoice.status !== 'paid' || record.openInvoiceId !== invoice.id) return record;
  return { ...record, ...clearedStanding() };
}

/** The grace period ended unpaid: locked (the timer). */
export function applyGraceEnded(record: SubscriptionRecord, now: Date): SubscriptionRecord {
  if (record.standing !== 'past_due' || !record.locksAt || record.locksAt.getTime() > now.getTime()) return record;
  return { ...record, standing: 'locked', locksAt: null };
}
