import { z } from 'zod';

/**
 * Events the gateway publishes through its outbox: about users, which are global rows (no
 * tenant). Their envelope's `tenant.accountId` is the user's own account when they have
 * one, otherwise GLOBAL_TENANT; `aggregateId` = the user id.
 */
export const GatewayEvents = {
  /** A user signed up: what messaging needs to email them (address, name, the account they own). */
  userRegistered: 'gateway.user.registered',
  /** The user clicked an email's unsubscribe link (the gateway verified its signed token). */
  userEmailUnsubscribed: 'gateway.user.email_unsubscribed',
} as const;

/** The envelope tenant of events about global rows (users): the nil UUID, which names no account. */
export const GLOBAL_TENANT_ACCOUNT_ID = '00000000-0000-0000-0000-000000000000';

export const userRegisteredDataSchema = z.object({
  userId: z.uuid(),
  email: z.email().max(254),
  displayName: z.string().min(1).max(100),
  /** The account the user owns (freelancers), null for a client who signed up through an invitation. */
  ownedAccountId: z.uuid().nullable(),
});
export type UserRegisteredData = z.infer<typeof userRegisteredDataSchema>;

export const userEmailUnsubscribedDataSchema = z.object({
  userId: z.uuid(),
  /** A notification type, or `all` (the digest's link, and every email type). */
  scope: z.string().min(1).max(100),
});
export type UserEmailUnsubscribedData = z.infer<typeof userEmailUnsubscribedDataSchema>;

export const gatewayEventDataSchemas = {
  [GatewayEvents.userRegistered]: userRegisteredDataSchema,
  [GatewayEvents.userEmailUnsubscribed]: userEmailUnsubscribedDataSchema,
} as const;
