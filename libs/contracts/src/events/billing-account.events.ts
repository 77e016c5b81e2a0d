import { z } from 'zod';
import { planIdSchema } from '../plans';

/**
 * Account-level events billing publishes (subscriptions). Envelope: `tenant = { accountId }`,
 * `aggregateId` = the account id, `aggregateVersion` = billing's version of the account's
 * subscription, strictly increasing, so projections ignore versions they have passed.
 */
export const BillingAccountEvents = {
  /** The account's plan changed (upgrade, downgrade, or back to free when a subscription ends). */
  accountPlanChanged: 'billing.account.plan_changed',
} as const;

export const accountPlanChangedDataSchema = z.object({
  accountId: z.uuid(),
  plan: planIdSchema,
  previousPlan: planIdSchema.nullable().optional(),
});
export type AccountPlanChangedData = z.infer<typeof accountPlanChangedDataSchema>;

/** The data schema of each account-level billing event type. */
export const billingAccountEventDataSchemas = {
  [BillingAccountEvents.accountPlanChanged]: accountPlanChangedDataSchema,
} as const;
