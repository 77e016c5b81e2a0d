import { z } from 'zod';

/**
 * Connect events billing publishes. Envelope: `tenant = { accountId }`, `aggregateId` = the
 * account id, `aggregateVersion` = the connected account's version in billing (1 when it is
 * created, +1 per change), so a projection keeps the newest and ignores what it has passed.
 * Every event carries the complete state, so the newest alone says everything.
 */
export const BillingConnectEvents = {
  /** The account's connected account changed status, capabilities or outstanding requirements. */
  connectStatusChanged: 'billing.connect.status_changed',
} as const;

/** The statuses of a connected account billing holds (see ConnectStatusValue for what each means). */
export const CONNECT_ACCOUNT_STATUSES = ['pending', 'restricted', 'enabled', 'deauthorized'] as const;
export type ConnectAccountStatus = (typeof CONNECT_ACCOUNT_STATUSES)[number];

export const connectStatusChangedDataSchema = z.object({
  accountId: z.uuid(),
  status: z.enum(CONNECT_ACCOUNT_STATUSES),
  chargesEnabled: z.boolean(),
  payoutsEnabled: z.boolean(),
  /** What Stripe still asks for, in plain words. */
  requirements: z.array(z.string().min(1).max(500)).max(100),
});
export type ConnectStatusChangedData = z.infer<typeof connectStatusChangedDataSchema>;

/** The data schema of each Connect event type. */
export const billingConnectEventDataSchemas = {
  [BillingConnectEvents.connectStatusChanged]: connectStatusChangedDataSchema,
} as const;
