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
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const PLAN_LIMITS: Readonly<Record<PlanId, Readonly<PlanLimits>>> = {
  free: { storageQuotaBytes: 1 * GiB, maxFileSizeBytes: 100 * MiB },
  pro: { storageQuotaBytes: 100 * GiB, maxFileSizeBytes: 2 * GiB },
  enterprise: { storageQuotaBytes: 1024 * GiB, maxFileSizeBytes: 5 * GiB },
};

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
