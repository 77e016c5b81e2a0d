import type { AccountStanding } from './events/billing-account.events';
import { DEFAULT_PLAN, PLAN_FEATURE_SETS, PLAN_LIMITS, PLATFORM_FEE_BPS, PlanFeature, PlanId, PlanLimits } from './plans';

/**
 * What one account may do now, as each service projects it from `billing.entitlements.changed`
 * (its own per-account table, newest version wins). `version` null: no event seen yet.
 */
export interface Entitlements {
  plan: PlanId;
  standing: AccountStanding;
  limits: Readonly<PlanLimits>;
  features: readonly PlanFeature[];
  platformFeeBps: number;
  pastDueSince: string | null;
  locksAt: string | null;
  version: number | null;
}

/** An account billing has said nothing about yet: the free plan, in good standing. */
export const DEFAULT_ENTITLEMENTS: Readonly<Entitlements> = Object.freeze({
  plan: DEFAULT_PLAN,
  standing: 'active',
  limits: PLAN_LIMITS[DEFAULT_PLAN],
  features: PLAN_FEATURE_SETS[DEFAULT_PLAN],
  platformFeeBps: PLATFORM_FEE_BPS[DEFAULT_PLAN],
  pastDueSince: null,
  locksAt: null,
  version: null,
});

/** An account's plan and standing as `GET /me` shows them (`past_due` with `locksAt` is banner-worthy). */
export interface AccountStandingView {
  accountId: string;
  plan: PlanId;
  standing: AccountStanding;
  pastDueSince: string | null;
  locksAt: string | null;
}
