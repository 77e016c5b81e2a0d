import { Inject, Injectable } from '@nestjs/common';
import { BILLING_INTERVALS, PLAN_PRICES, type BillingInterval, type PaidPlanId } from '@fpms/contracts';
import { BILLING_ENV } from '../billing-env.token';
import type { BillingEnv } from '../config';

export interface PlanPrice {
  plan: PaidPlanId;
  interval: BillingInterval;
  priceId: string;
}

/**
 * The Stripe Price of each paid plan and interval, from STRIPE_PRICE_<PLAN>_<INTERVAL>, and
 * back: a subscription's price says which plan it is. A price not configured here is no
 * plan of ours (a subscription on it grants nothing).
 */
@Injectable()
export class PlanPrices {
  private readonly byPlan = new Map<string, PlanPrice>();
  private readonly byPrice = new Map<string, PlanPrice>();

  constructor(@Inject(BILLING_ENV) env: BillingEnv) {
    for (const plan of Object.keys(PLAN_PRICES) as PaidPlanId[]) {
      for (const interval of BILLING_INTERVALS) {
        const priceId = env[`STRIPE_PRICE_${plan.toUpperCase()}_${interval.toUpperCase()}` as keyof BillingEnv];
        if (typeof priceId !== 'string') continue;
        const entry = { plan, interval, priceId };
        this.byPlan.set(`${plan}:${interval}`, entry);
        this.byPrice.set(priceId, entry);
      }
    }
  }

  priceFor(plan: PaidPlanId, interval: BillingInterval): PlanPrice | null {
    return this.byPlan.get(`${plan}:${interval}`) ?? null;
  }

  planOf(priceId: string | null | undefined): PlanPrice | null {
    return priceId ? (this.byPrice.get(priceId) ?? null) : null;
  }
}
