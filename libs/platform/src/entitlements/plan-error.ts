import { AppError } from '@fpms/common/errors/app-error';
import {
  Entitlements,
  PLAN_FEATURE_ERROR_CODES,
  PLAN_LIMIT_ERROR_CODES,
  PlanErrorCode,
  PlanFeature,
  PlanLimitName,
  planThatLifts,
} from '@fpms/contracts';

/** 402: what the account's plan or standing does not allow; details name the plan and the way out. */
export class PlanError extends AppError<PlanErrorCode> {
  /** `current` items exist already; one more would pass `max`. */
  static limitReached(entitlements: Entitlements, limit: PlanLimitName, current: number, requested = 1) {
    const max = entitlements.limits[limit] as number;
    const needed = current + requested;
    return new PlanError(
      402,
      PLAN_LIMIT_ERROR_CODES[limit],
      `The ${entitlements.plan} plan allows ${max} (${limit}); this needs ${needed}`,
      {
        plan: entitlements.plan,
        limit,
        max,
        current,
        requested,
        planThatLifts: planThatLifts({ limit, needed }),
      },
    );
  }

  static featureNotInPlan(entitlements: Entitlements, feature: PlanFeature) {
    return new PlanError(402, PLAN_FEATURE_ERROR_CODES[feature], `The ${entitlements.plan} plan does not include ${feature}`, {
      plan: entitlements.plan,
      feature,
      planThatLifts: planThatLifts({ feature }),
    });
  }

  static accountLocked(entitlements: Entitlements) {
    return new PlanError(
      402,
      PlanErrorCode.AccountLocked,
      'This account is locked for an unpaid invoice: new work is refused until it is paid (money already owed keeps moving)',
      { plan: entitlements.plan, standing: entitlements.standing, pastDueSince: entitlements.pastDueSince },
    );
  }
}

/** Refuses new work from the freelancer side while the account is locked (`past_due` refuses nothing). */
export function assertNotLocked(entitlements: Entitlements): void {
  if (entitlements.standing === 'locked') throw PlanError.accountLocked(entitlements);
}

/** Refuses `requested` more items when `current` of them plus those would pass the limit (null = unlimited). */
export function assertWithinLimit(entitlements: Entitlements, limit: PlanLimitName, current: number, requested = 1): void {
  const max = entitlements.limits[limit];
  if (max !== null && current + requested > max) throw PlanError.limitReached(entitlements, limit, current, requested);
}

export function assertFeature(entitlements: Entitlements, feature: PlanFeature): void {
  if (!entitlements.features.includes(feature)) throw PlanError.featureNotInPlan(entitlements, feature);
}
