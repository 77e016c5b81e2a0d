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
  /**
   * Account security (issue 18): an email messaging sends at once to `to` (never merged,
   * never unsubscribable): a verification or password-reset link, or a security notice.
   */
  userSecurityEmail: 'gateway.user.security_email',
  /** The user's verified address changed: messaging's contact follows. */
  userEmailChanged: 'gateway.user.email_changed',
  /**
   * The user erased their account (issue 18 part 5): every service erases or pseudonymises
   * what it holds about them, through its inbox (idempotent: a replay changes nothing).
   */
  userErased: 'gateway.user.erased',
} as const;

/** What erased users are shown as, in every service. */
export const ERASED_USER_DISPLAY_NAME = 'Deleted user';

/** The pseudonymous address an erased user's rows keep where an address is required (never deliverable: RFC 2606). */
export const erasedUserEmail = (userId: string): string => `deleted-${userId}@erased.invalid`;

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

export const SECURITY_EMAIL_KINDS = [
  'verify_email',
  'password_reset',
  'email_changed',
  'new_sign_in',
  'password_changed',
  'two_factor_enabled',
  'two_factor_disabled',
  'data_export_ready',
] as const;
export type SecurityEmailKind = (typeof SECURITY_EMAIL_KINDS)[number];

export const userSecurityEmailDataSchema = z.object({
  userId: z.uuid(),
  kind: z.enum(SECURITY_EMAIL_KINDS),
  /** Where it goes: the new address for `verify_email` after a change, the old one for `email_changed`. */
  to: z.email().max(254),
  displayName: z.string().min(1).max(100),
  /**
   * The link with its single-use token (`verify_email`, `password_reset`). The token travels
   * in plain text through the outboxes into the email (docs/decisions.md); the gateway stores
   * only its hash.
   */
  link: z.url().max(2000).optional(),
  /** When the link stops working (ISO time). */
  expiresAt: z.iso.datetime().optional(),
  /** What a notice names: the sign-in's device and IP, the new address. */
  device: z.string().max(512).optional(),
  ip: z.string().max(64).optional(),
  newEmail: z.email().max(254).optional(),
  occurredAt: z.iso.datetime(),
});
export type UserSecurityEmailData = z.infer<typeof userSecurityEmailDataSchema>;

export const userEmailChangedDataSchema = z.object({
  userId: z.uuid(),
  email: z.email().max(254),
});
export type UserEmailChangedData = z.infer<typeof userEmailChangedDataSchema>;

export const userErasedDataSchema = z.object({
  userId: z.uuid(),
  erasedAt: z.iso.datetime(),
});
export type UserErasedData = z.infer<typeof userErasedDataSchema>;

export const gatewayEventDataSchemas = {
  [GatewayEvents.userErased]: userErasedDataSchema,
  [GatewayEvents.userSecurityEmail]: userSecurityEmailDataSchema,
  [GatewayEvents.userEmailChanged]: userEmailChangedDataSchema,
  [GatewayEvents.userRegistered]: userRegisteredDataSchema,
  [GatewayEvents.userEmailUnsubscribed]: userEmailUnsubscribedDataSchema,
} as const;
