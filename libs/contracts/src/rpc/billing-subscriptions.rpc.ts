import type { AccountStanding } from '../events/billing-account.events';
import type { BillingInterval, PlanFeature, PlanId, PlanLimitName } from '../plans';
import { ChangeSubscriptionBody, StartSubscriptionCheckoutBody } from '../requests/billing-subscriptions.requests';
import { NoFields } from '../requests/addressed';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('billing');

/** Where the owner pays for a plan: a Stripe Checkout page in subscription mode, open until `expiresAt`. */
export interface SubscriptionCheckoutView {
  checkoutSessionId: string;
  checkoutUrl: string;
  expiresAt: string;
  plan: PlanId;
  interval: BillingInterval;
}

/**
 * How much of a limit the account uses (`limit` null = unlimited). `used` is null when the
 * service holding the count did not answer, and for `maxFileSizeBytes` (a per-file limit).
 */
export interface LimitUsage {
  used: number | null;
  limit: number | null;
}

/**
 * The account's plan as billing holds it. Only Stripe's webhooks write it: after a checkout,
 * change or cancel, this shows the new state once Stripe has reported it.
 * - `status`: Stripe's subscription status, or `none` (the free plan, never subscribed or ended);
 * - `standing`: `past_due` after a failed renewal (until `locksAt`), `locked` after it;
 * - `pendingChange`: a plan change scheduled for the period's end;
 * - `usage`: every limit of the plan against what the account uses now (`membersPerWorkspace`:
 *   the fullest workspace; `milestonesPerMonth`: proposed this calendar month, UTC);
 * - `nextInvoice`: what Stripe will charge at the period's end (null when it ends instead).
 */
export interface SubscriptionView {
  plan: PlanId;
  status: string;
  interval: BillingInterval | null;
  currentPeriod: { start: string; end: string } | null;
  cancelAtPeriodEnd: boolean;
  pendingChange: { plan: PlanId; interval: BillingInterval; at: string } | null;
  standing: AccountStanding;
  pastDueSince: string | null;
  locksAt: string | null;
  features: PlanFeature[];
  platformFeeBps: number;
  usage: Record<PlanLimitName, LimitUsage>;
  nextInvoice: { amount: number; currency: string; date: string } | null;
  /** The entitlements' version (that of the latest billing.entitlements.changed). */
  version: number;
}

/** What a plan change or cancellation asked Stripe for; the state follows by webhook. */
export interface SubscriptionChangeView {
  subscriptionId: string;
  plan: PlanId;
  interval: BillingInterval;
  at: 'now' | 'period_end';
  effectiveAt: string;
}

/**
 * Plans and subscriptions, for the caller's own account (the token's: its owner). None takes
 * an account id, so there is nothing of another tenant to name.
 */
export const BillingSubscriptionsRpc = {
  checkout: rpcPattern<SubscriptionCheckoutView>()(queue, 'billing.subscriptions.checkout', StartSubscriptionCheckoutBody),
  change: rpcPattern<SubscriptionChangeView>()(queue, 'billing.subscriptions.change', ChangeSubscriptionBody),
  cancel: rpcPattern<SubscriptionChangeView>()(queue, 'billing.subscriptions.cancel', NoFields),
  get: rpcPattern<SubscriptionView>()(queue, 'billing.subscriptions.get', NoFields),
} as const;
