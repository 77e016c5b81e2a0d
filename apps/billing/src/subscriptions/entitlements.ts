import {
  PLAN_FEATURE_SETS,
  PLAN_LIMITS,
  PLATFORM_FEE_BPS,
  type AccountStanding,
  type EntitlementsChangedData,
  type PlanId,
} from '@fpms/contracts';

/** What decides an account's entitlements: a change to any of these publishes a new version. */
export interface EntitlementState {
  plan: PlanId;
  standing: AccountStanding;
  pastDueSince: Date | null;
  locksAt: Date | null;
}

export function entitlementsOf(accountId: string, state: EntitlementState): EntitlementsChangedData {
  return {
    accountId,
    plan: state.plan,
    standing: state.standing,
    limits: { ...PLAN_LIMITS[state.plan] },
    features: [...PLAN_FEATURE_SETS[state.plan]],
    platformFeeBps: PLATFORM_FEE_BPS[state.plan],
    pastDueSince: state.pastDueSince?.toISOString() ?? null,
    locksAt: state.locksAt?.toISOString() ?? null,
  };
}

export function sameEntitlements(a: EntitlementState, b: EntitlementState): boolean {
  return (
    a.plan === b.plan &&
    a.standing === b.standing &&
    (a.pastDueSince?.getTime() ?? null) === (b.pastDueSince?.getTime() ?? null) &&
    (a.locksAt?.getTime() ?? null) === (b.locksAt?.getTime() ?? null)
  );
}
