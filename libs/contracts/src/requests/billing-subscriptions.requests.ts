import { BILLING_INTERVALS, type BillingInterval } from '../plans';
import { OneOf, Optional } from './field-decorators';

/** The plans Stripe sells (the free plan needs no checkout: cancel to go back to it). */
export const PAID_PLAN_IDS = ['pro', 'enterprise'] as const;
export type PaidPlanId = (typeof PAID_PLAN_IDS)[number];

/** When a plan change takes effect: at once (prorated) or when the current period ends. */
export const PLAN_CHANGE_TIMINGS = ['now', 'period_end'] as const;
export type PlanChangeTiming = (typeof PLAN_CHANGE_TIMINGS)[number];

/** The owner subscribes the account to a paid plan through Stripe Checkout. */
export class StartSubscriptionCheckoutBody {
  @OneOf(PAID_PLAN_IDS)
  plan!: PaidPlanId;

  @OneOf(BILLING_INTERVALS)
  interval!: BillingInterval;
}

/**
 * The owner moves a running subscription to another paid plan or interval. `interval`
 * defaults to the current one; `at` to `now` for an upgrade and `period_end` for a downgrade.
 */
export class ChangeSubscriptionBody {
  @OneOf(PAID_PLAN_IDS)
  plan!: PaidPlanId;

  @Optional()
  @OneOf(BILLING_INTERVALS)
  interval?: BillingInterval;

  @Optional()
  @OneOf(PLAN_CHANGE_TIMINGS)
  at?: PlanChangeTiming;
}
