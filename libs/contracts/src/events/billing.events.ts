import { z } from 'zod';
import { EventEnvelope, eventEnvelopeSchema } from './event-envelope';

/**
 * Events the billing service publishes through its outbox (DESIGN §3–4). The workspace
 * service consumes them: milestone state follows money, never ahead of it.
 *
 * Every milestone event is an envelope with `tenant = { accountId, workspaceId }`,
 * `aggregateId` = the milestone id (Stripe's `transfer_group`), and `aggregateVersion` =
 * billing's version of that milestone's order: strictly increasing per milestone, so a
 * consumer ignores any version it has already passed.
 */
export const BillingEvents = {
  /** Checkout paid: the milestone's amount is held in escrow on the platform account. */
  milestoneFunded: 'billing.milestone.funded',
  /** A funding attempt failed (card declined, session expired): the client may try again. */
  milestonePaymentFailed: 'billing.milestone.payment_failed',
  /** Transfer to the freelancer's connected account created (amount − platform fee). */
  milestoneReleased: 'billing.milestone.released',
  /** The charge was refunded (before release), or the transfer reversed and refunded (after). */
  milestoneRefunded: 'billing.milestone.refunded',
  /** A dispute (chargeback) was opened on the charge: release is frozen. */
  milestoneDisputed: 'billing.milestone.disputed',
  /** The dispute ended: `won` → the milestone resumes, `lost` → the money went back to the client. */
  milestoneDisputeClosed: 'billing.milestone.dispute_closed',
} as const;

export type BillingEventType = (typeof BillingEvents)[keyof typeof BillingEvents];

/** ISO 4217, upper case. */
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 currency code, upper case');
/** Integer minor units (cents); never a float. Positive, within a JS safe integer. */
export const minorUnitsSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const milestoneMoney = z.object({
  milestoneId: z.uuid(),
  workspaceId: z.uuid(),
  /** billing's order id for this milestone. */
  orderId: z.string().min(1).max(200),
  amount: minorUnitsSchema,
  currency: currencySchema,
});

export const milestoneFundedDataSchema = milestoneMoney.extend({
  /** Stripe charge / payment intent the funds came from (the release's source_transaction). */
  chargeId: z.string().min(1).max(200),
});
export const milestonePaymentFailedDataSchema = z.object({
  milestoneId: z.uuid(),
  workspaceId: z.uuid(),
  orderId: z.string().min(1).max(200),
  failureCode: z.string().max(200).optional(),
  failureMessage: z.string().max(1000).optional(),
});
export const milestoneReleasedDataSchema = milestoneMoney.extend({
  transferId: z.string().min(1).max(200),
  /** The platform's fee kept back from `amount`, minor units. */
  platformFee: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});
export const milestoneRefundedDataSchema = milestoneMoney.extend({
  refundId: z.string().min(1).max(200),
  /** True when the transfer had already been made and was reversed first. */
  afterRelease: z.boolean().default(false),
});
export const milestoneDisputedDataSchema = milestoneMoney.extend({
  disputeId: z.string().min(1).max(200),
  reason: z.string().max(200).optional(),
});
export const milestoneDisputeClosedDataSchema = milestoneMoney.extend({
  disputeId: z.string().min(1).max(200),
  outcome: z.enum(['won', 'lost']),
});

export type MilestoneFundedData = z.infer<typeof milestoneFundedDataSchema>;
export type MilestonePaymentFailedData = z.infer<typeof milestonePaymentFailedDataSchema>;
export type MilestoneReleasedData = z.infer<typeof milestoneReleasedDataSchema>;
export type MilestoneRefundedData = z.infer<typeof milestoneRefundedDataSchema>;
export type MilestoneDisputedData = z.infer<typeof milestoneDisputedDataSchema>;
export type MilestoneDisputeClosedData = z.infer<typeof milestoneDisputeClosedDataSchema>;

/** The data schema of each billing event type: one definition for producer and consumer. */
export const billingEventDataSchemas = {
  [BillingEvents.milestoneFunded]: milestoneFundedDataSchema,
  [BillingEvents.milestonePaymentFailed]: milestonePaymentFailedDataSchema,
  [BillingEvents.milestoneReleased]: milestoneReleasedDataSchema,
  [BillingEvents.milestoneRefunded]: milestoneRefundedDataSchema,
  [BillingEvents.milestoneDisputed]: milestoneDisputedDataSchema,
  [BillingEvents.milestoneDisputeClosed]: milestoneDisputeClosedDataSchema,
} as const;

export type BillingMilestoneEvent =
  | (EventEnvelope<MilestoneFundedData> & { type: typeof BillingEvents.milestoneFunded })
  | (EventEnvelope<MilestonePaymentFailedData> & { type: typeof BillingEvents.milestonePaymentFailed })
  | (EventEnvelope<MilestoneReleasedData> & { type: typeof BillingEvents.milestoneReleased })
  | (EventEnvelope<MilestoneRefundedData> & { type: typeof BillingEvents.milestoneRefunded })
  | (EventEnvelope<MilestoneDisputedData> & { type: typeof BillingEvents.milestoneDisputed })
  | (EventEnvelope<MilestoneDisputeClosedData> & { type: typeof BillingEvents.milestoneDisputeClosed });

export function isBillingEventType(type: string): type is BillingEventType {
  return Object.prototype.hasOwnProperty.call(billingEventDataSchemas, type);
}

/**
 * Validates a whole billing milestone event (envelope + data, and that the envelope's
 * tenant and aggregate agree with the data). Throws a ZodError naming the bad field.
 */
export function parseBillingMilestoneEvent(event: unknown): BillingMilestoneEvent {
  const envelope = eventEnvelopeSchema.parse(event);
  if (!isBillingEventType(envelope.type)) throw new Error(`not a billing milestone event: ${envelope.type}`);
  const data = billingEventDataSchemas[envelope.type].parse(envelope.data) as { milestoneId: string; workspaceId: string };
  if (envelope.aggregateId !== data.milestoneId) throw new Error('aggregateId must be the milestone id');
  if (envelope.tenant.workspaceId !== data.workspaceId) throw new Error('tenant.workspaceId must be the milestone’s workspace');
  return { ...envelope, data } as BillingMilestoneEvent;
}
