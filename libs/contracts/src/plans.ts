import { z } from 'zod';

/**
 * The subscription plans and their limits: one definition for every service (billing
 * sells them, workspace records them, files enforces storage). Byte counts are plain
 * numbers: the largest (1 TiB) is far below Number.MAX_SAFE_INTEGER.
 */
export const PLAN_IDS = ['free', 'pro', 'enterprise'] as const;
export type PlanId = (typeof PLAN_IDS)[number];
export const planIdSchema = z.enum(PLAN_IDS);

export interface PlanLimits {
  /** Bytes of file versions an account may store (pending uploads count while reserved). */
  storageQuotaBytes: number;
  /** Largest single file version. */
  maxFileSizeBytes: number;
  /** Workspaces not archived, per account; null = unlimited. */
  activeWorkspaces: number | null;
  /** Members (both sides, owner included) per workspace; null = unlimited. */
  membersPerWorkspace: number | null;
  /** Milestones proposed per account per calendar month (UTC); null = unlimited. */
  milestonesPerMonth: number | null;
}

/** The names of the limits, as they appear in 402 error codes (`<name>_limit_reached`) and usage. */
export const PLAN_LIMIT_NAMES = [
  'storageQuotaBytes',
  'maxFileSizeBytes',
  'activeWorkspaces',
  'membersPerWorkspace',
  'milestonesPerMonth',
] as const;
export type PlanLimitName = (typeof PLAN_LIMIT_NAMES)[number];

/** What a plan switches on beyond limits. */
export const PLAN_FEATURES = ['internalNotes', 'customTaskStatuses', 'dailyDigests', 'apiAccess'] as const;
export type PlanFeature = (typeof PLAN_FEATURES)[number];

export const BILLING_INTERVALS = ['month', 'year'] as const;
export type BillingInterval = (typeof BILLING_INTERVALS)[number];

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const PLAN_LIMITS: Readonly<Record<PlanId, Readonly<PlanLimits>>> = {
  free: {
    storageQuotaBytes: 1 * GiB,
    maxFileSizeBytes: 100 * MiB,
    activeWorkspaces: 3,
    membersPerWorkspace: 5,
    milestonesPerMonth: 10,
  },
  pro: {
    storageQuotaBytes: 100 * GiB,
    maxFileSizeBytes: 2 * GiB,
    activeWorkspaces: 50,
    membersPerWorkspace: 25,
    milestonesPerMonth: 500,
  },
  enterprise: {
    storageQuotaBytes: 1024 * GiB,
    maxFileSizeBytes: 5 * GiB,
    activeWorkspaces: null,
    membersPerWorkspace: null,
    milestonesPerMonth: null,
  },
};

export const PLAN_FEATURE_SETS: Readonly<Record<PlanId, readonly PlanFeature[]>> = {
  free: [],
  pro: ['internalNotes', 'customTaskStatuses', 'dailyDigests'],
  enterprise: ['internalNotes', 'customTaskStatuses', 'dailyDigests', 'apiAccess'],
};

/**
 * What each paid plan costs, in minor units of PLAN_CURRENCY per interval (the free plan
 * costs nothing and has no Stripe Price). In real Stripe each (plan, interval) maps to a
 * Price configured by id (STRIPE_PRICE_<PLAN>_<INTERVAL>); with the emulator `npm start`
 * creates them at boot.
 */
export const PLAN_CURRENCY = 'USD';
export const PLAN_PRICES: Readonly<Record<Exclude<PlanId, 'free'>, Readonly<Record<BillingInterval, number>>>> = {
  pro: { month: 2_900, year: 29_000 },
  enterprise: { month: 9_900, year: 99_000 },
};

/** The cheapest plan that has `feature`, or that lifts `limit` above `needed` (null if none does). */
export function planThatLifts(need: { feature: PlanFeature } | { limit: PlanLimitName; needed: number }): PlanId | null {
  for (const plan of PLAN_IDS) {
    if ('feature' in need) {
      if (PLAN_FEATURE_SETS[plan].includes(need.feature)) return plan;
    } else {
      const max = PLAN_LIMITS[plan][need.limit];
      if (max === null || max >= need.needed) return plan;
    }
  }
  return null;
}

export const DEFAULT_PLAN: PlanId = 'free';

export function isPlanId(value: unknown): value is PlanId {
  return typeof value === 'string' && (PLAN_IDS as readonly string[]).includes(value);
}

/** The limits of a plan; anything unknown or missing gets the free plan's (never more than paid for). */
export function planLimits(plan: string | null | undefined): Readonly<PlanLimits> {
  return PLAN_LIMITS[isPlanId(plan) ? plan : DEFAULT_PLAN];
}

/**
 * The platform's fee on each release, in basis points of the released amount, per plan
 * (defaults: free 5%, pro 2%, enterprise 1%).
 */
export const PLATFORM_FEE_BPS: Readonly<Record<PlanId, number>> = { free: 500, pro: 200, enterprise: 100 };

/**
 * The fee on `amount` minor units under `plan`: amount × bps / 10,000, rounded half up to a
 * whole minor unit (the one rounding rule; the freelancer gets amount − fee, so the two
 * always add up to the amount). Amounts are at most 10^12, so the product stays exact.
 */
export function platformFee(amount: number, plan: string | null | undefined): number {
  const bps = PLATFORM_FEE_BPS[isPlanId(plan) ? plan : DEFAULT_PLAN];
  return Math.floor((amount * bps + 5000) / 10_000);
}
