import { z } from 'zod';
import { currencySchema } from './billing.events';

/**
 * The weekly cycle of hourly contracts (issue 20), between the workspace service (which owns
 * time entries, the week's close and the client's review) and billing (which owns the
 * payment method, the off-session charge, the invoice and the transfer).
 *
 * 1. The client admin saves a payment method (Checkout in setup mode, billing); billing
 *    publishes `billing.hourly_contract.payment_method_saved` and the workspace shows it.
 * 2. Monday 00:00 in the account's time zone the workspace closes the week: its entries are
 *    locked (`locked_at`) and `workspace.time_week.closed` opens the client's review window.
 * 3. The client accepts (or the window lapses): `workspace.time_week.approved` with batch 0
 *    names the billable entries; disputed entries are held out. A disputed entry later
 *    settled as billable is approved in a later batch (1, 2, ...) of the same week.
 * 4. Billing charges each (contract, week, batch) exactly once: invoice, off-session
 *    destination charge with the plan's fee, transfer to the freelancer. It publishes
 *    `billing.time_week.payment_failed` (the workspace then refuses new time on the contract)
 *    and, once paid, `billing.time_week.paid` (new time allowed again).
 *
 * Envelopes: `tenant = { accountId, workspaceId }`; `aggregateId` = the contract id;
 * `aggregateVersion` increases per contract with each event its producer publishes about it.
 */
export const TimesheetEvents = {
  /** The week closed: entries locked, the client's review window is open until `reviewDueAt`. */
  weekClosed: 'workspace.time_week.closed',
  /** A batch of the week's entries is billable (accepted, lapsed, or a settled dispute). */
  weekApproved: 'workspace.time_week.approved',
  /** The client disputed an entry of a closed week: it is held out of the charge. */
  entryDisputed: 'workspace.time_week.entry_disputed',
  /** A saved payment method (setup-mode Checkout) will pay this contract's weeks. */
  paymentMethodSaved: 'billing.hourly_contract.payment_method_saved',
  /** A batch was charged and the transfer created. */
  weekPaid: 'billing.time_week.paid',
  /** An off-session charge failed; `willRetryAt` null means billing stopped retrying. */
  weekPaymentFailed: 'billing.time_week.payment_failed',
} as const;

const isoDate = z.iso.date();
const instant = z.iso.datetime({ offset: true });
const minorUnits = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const weekRef = z.object({
  contractId: z.uuid(),
  workspaceId: z.uuid(),
  accountId: z.uuid(),
  /** The Monday the week starts on, in the account's time zone. */
  weekStart: isoDate,
  timeZone: z.string().min(1).max(64),
});

export const weekClosedDataSchema = weekRef.extend({
  closedAt: instant,
  reviewDueAt: instant,
  entryCount: z.number().int().nonnegative(),
  totalSeconds: z.number().int().nonnegative(),
});

/** One billable entry, as the invoice lists it. */
export const billableEntrySchema = z.object({
  entryId: z.uuid(),
  userId: z.uuid(),
  day: isoDate,
  seconds: z.number().int().positive(),
  taskId: z.uuid().nullable(),
  milestoneId: z.uuid().nullable(),
  note: z.string().max(2000).nullable(),
});

export const weekApprovedDataSchema = weekRef.extend({
  /** 0 for the week's review; 1, 2, ... for disputed entries settled as billable later. */
  batch: z.number().int().nonnegative(),
  /** How it was approved: the client accepted, the review window lapsed, or a dispute was settled. */
  approvedBy: z.enum(['client', 'review_lapsed', 'dispute_settled']),
  actorUserId: z.uuid().nullable(),
  rateMinor: minorUnits,
  currency: currencySchema,
  entries: z.array(billableEntrySchema).max(5000),
  billableSeconds: z.number().int().nonnegative(),
  /** Held out of this batch (disputed and not settled). */
  disputedEntryIds: z.array(z.uuid()).max(5000),
});

export const entryDisputedDataSchema = weekRef.extend({
  entryId: z.uuid(),
  userId: z.uuid(),
  seconds: z.number().int().positive(),
  reason: z.string().min(1).max(2000),
  actorUserId: z.uuid(),
});

export const paymentMethodSavedDataSchema = z.object({
  contractId: z.uuid(),
  workspaceId: z.uuid(),
  accountId: z.uuid(),
  /** Card brand and last four digits, for the contract page; never the Stripe ids. */
  brand: z.string().max(32).nullable(),
  last4: z
    .string()
    .regex(/^\d{4}$/)
    .nullable(),
  savedByUserId: z.uuid(),
});

const chargeRef = weekRef.extend({
  batch: z.number().int().nonnegative(),
  invoiceId: z.uuid(),
  invoiceNumber: z.string().min(1).max(80),
  amountMinor: minorUnits,
  currency: currencySchema,
});

export const weekPaidDataSchema = chargeRef.extend({
  platformFeeMinor: minorUnits,
  /** What reaches the freelancer's connected account: amount − platform fee. */
  transferredMinor: minorUnits,
  paidAt: instant,
});

export const weekPaymentFailedDataSchema = chargeRef.extend({
  attempt: z.number().int().positive(),
  /** Stripe's decline code, e.g. `authentication_required`, `card_declined`, `payment_method_missing`. */
  declineCode: z.string().min(1).max(64),
  willRetryAt: instant.nullable(),
});

export type WeekClosedData = z.infer<typeof weekClosedDataSchema>;
export type WeekApprovedData = z.infer<typeof weekApprovedDataSchema>;
export type BillableEntry = z.infer<typeof billableEntrySchema>;
export type EntryDisputedData = z.infer<typeof entryDisputedDataSchema>;
export type PaymentMethodSavedData = z.infer<typeof paymentMethodSavedDataSchema>;
export type WeekPaidData = z.infer<typeof weekPaidDataSchema>;
export type WeekPaymentFailedData = z.infer<typeof weekPaymentFailedDataSchema>;

export const timesheetEventDataSchemas = {
  [TimesheetEvents.weekClosed]: weekClosedDataSchema,
  [TimesheetEvents.weekApproved]: weekApprovedDataSchema,
  [TimesheetEvents.entryDisputed]: entryDisputedDataSchema,
  [TimesheetEvents.paymentMethodSaved]: paymentMethodSavedDataSchema,
  [TimesheetEvents.weekPaid]: weekPaidDataSchema,
  [TimesheetEvents.weekPaymentFailed]: weekPaymentFailedDataSchema,
} as const;
