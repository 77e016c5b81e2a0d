import { z } from 'zod';
import { currencySchema } from './billing.events';

/**
 * Payout events billing publishes. Envelope: `tenant = { accountId }`, `aggregateId` = the
 * account id, `aggregateVersion` = the payout's version in billing (+1 per status change).
 */
export const BillingPayoutEvents = {
  /** A payout to the freelancer's bank failed (also after it was paid: the bank returned it); the money is back on their Stripe balance. */
  payoutFailed: 'billing.payout.failed',
} as const;

export const payoutFailedDataSchema = z.object({
  accountId: z.uuid(),
  payoutId: z.string().min(1).max(255),
  amount: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  currency: currencySchema,
  failureCode: z.string().max(200).nullable(),
  failureMessage: z.string().max(1000).nullable(),
  /** Whether the payout had been reported paid before it failed. */
  afterPaid: z.boolean(),
});
export type PayoutFailedData = z.infer<typeof payoutFailedDataSchema>;

export const billingPayoutEventDataSchemas = {
  [BillingPayoutEvents.payoutFailed]: payoutFailedDataSchema,
} as const;
