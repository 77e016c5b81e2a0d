import { z } from 'zod';
import { PLAN_FEATURES, planIdSchema } from '../plans';

/**
 * Account-level events billing publishes (subscriptions). Envelope: `tenant = { accountId }`,
 * `aggregateId` = the account id, `aggregateVersion` = billing's version of the account's
 * subscription, strictly increasing, so projections ignore versions they have passed.
 */
export const BillingAccountEvents = {
  /** The account's plan changed (upgrade, downgrade, or back to free when a subscription ends). */
  accountPlanChanged: 'billing.account.plan_changed',
  /**
   * What the account may do now: its plan's limits and features and its standing. The one
   * event every service projects to enforce plans (the complete state at its version, so
   * the newest alone says everything; `aggregateVersion` = the entitlements' version).
   */
  entitlementsChanged: 'billing.entitlements.changed',
} as const;

/**
 * `active`: paid up (or free). `past_due`: a renewal failed; everything still works and the
 * product shows a banner until `locksAt`. `locked`: the grace period ended unpaid; new work
 * from the freelancer side is refused (402 `account_locked`) while money already owed keeps
 * moving (docs/decisions.md, "Lockout").
 */
export const ACCOUNT_STANDINGS = ['active', 'past_due', 'locked'] as const;
export type AccountStanding = (typeof ACCOUNT_STANDINGS)[number];

const limitSchema = z.number().int().nonnegative().nullable();

export const entitlementsChangedDataSchema = z.object({
  accountId: z.uuid(),
  plan: planIdSchema,
  standing: z.enum(ACCOUNT_STANDINGS),
  limits: z.object({
    storageQuotaBytes: z.number().int().nonnegative(),
    maxFileSizeBytes: z.number().int().nonnegative(),
    activeWorkspaces: limitSchema,
    membersPerWorkspace: limitSchema,
    milestonesPerMonth: limitSchema,
  }),
  features: z.array(z.enum(PLAN_FEATURES)),
  platformFeeBps: z.number().int().min(0).max(10_000),
  /** When the failed renewal happened (null unless past_due or locked). */
  pastDueSince: z.iso.datetime({ offset: true }).nullable(),
  /** When a past_due account locks if still unpaid (null unless past_due). */
  locksAt: z.iso.datetime({ offset: true }).nullable(),
});
export type EntitlementsChangedData = z.infer<typeof entitlementsChangedDataSchema>;

export const accountPlanChangedDataSchema = z.object({
  accountId: z.uuid(),
  plan: planIdSchema,
  previousPlan: planIdSchema.nullable().optional(),
});
export type AccountPlanChangedData = z.infer<typeof accountPlanChangedDataSchema>;

/** The data schema of each account-level billing event type. */
export const billingAccountEventDataSchemas = {
  [BillingAccountEvents.accountPlanChanged]: accountPlanChangedDataSchema,
  [BillingAccountEvents.entitlementsChanged]: entitlementsChangedDataSchema,
} as const;
