import { z } from 'zod';
import { EventEnvelope, eventEnvelopeSchema } from './event-envelope';

/**
 * Events the billing service publishes through its outbox (DESIGN §3–4). The workspace
 * service consumes them: milestone state follows money, never ahead of it.
 *
 * Every milestone event is an envelope with `tenant = { accountId, workspaceId }`,
 * `aggregateId` = the milestone id (Stripe's `transfer_group`), and `aggregateVersion` =
 * billing's version of that milestone's order: strictly increasing per milestone (0 is a
 * version like any other), so a consumer ignores any version it has already passed.
 *
 * The contract billing follows: every milestone event's data carries `money`, the order's
 * complete money state at that version (milestoneMoneyStateSchema). Events may arrive in
 * any order, duplicated or not at all; the consumer applies the newest state it has seen
 * and records older ones as stale, so the final state never depends on arrival order. The
 * event type and its own fields (`amount` of this fact, ids) are for the record; the state
 * is what counts. A chargeback (`disputed` > 0) freezes the milestone until a later state
 * reports it closed; billing never releases while it is open.
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

/** Amounts in a money state may be zero. */
const moneyAmountSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** billing's order status for a milestone. Billing labels it; the consumer derives from the amounts. */
export const ORDER_STATUS_VALUES = ['pending', 'payment_failed', 'held', 'released', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUS_VALUES)[number];

/**
 * The order's complete money state at the event's `aggregateVersion`: every billing
 * milestone event carries it, so the newest event alone says everything and a consumer
 * never needs the events before it (they may arrive later, or never). Integer minor units
 * of `currency`.
 *
 * - `charged`: what the client paid (0 until the checkout is paid).
 * - `released`: released from escrow (gross: the freelancer's transfer is released −
 *   platformFee), net of any reversal.
 * - `platformFee`: the platform's fee kept back from the release.
 * - `refunded`: returned to the client, by a refund or by a lost chargeback.
 * - `disputed`: the amount under a chargeback that is open now (0 when none is open, or
 *   after it closed: won → back to 0, lost → moved into `refunded`, reversing the transfer
 *   first if there was one). While it is above 0, billing must not release.
 *
 * Invariants (checked): released + refunded ≤ charged, disputed ≤ charged, fee ≤ charged,
 * and `status` agrees with the amounts (pending/payment_failed: nothing charged; held:
 * charged, not released, not fully refunded; released: released > 0; refunded: everything
 * charged was refunded).
 */
export const milestoneMoneyStateSchema = z
  .object({
    status: z.enum(ORDER_STATUS_VALUES),
    currency: currencySchema,
    charged: moneyAmountSchema,
    released: moneyAmountSchema,
    platformFee: moneyAmountSchema,
    refunded: moneyAmountSchema,
    disputed: moneyAmountSchema,
  })
  .superRefine((m, ctx) => {
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (m.released + m.refunded > m.charged) fail('released + refunded exceed charged');
    if (m.disputed > m.charged) fail('disputed exceeds charged');
    if (m.platformFee > m.charged) fail('platformFee exceeds charged');
    const ok: Record<OrderStatus, boolean> = {
      pending: m.charged === 0,
      payment_failed: m.charged === 0,
      held: m.charged > 0 && m.released === 0 && m.refunded < m.charged,
      released: m.released > 0,
      refunded: m.charged > 0 && m.refunded === m.charged,
    };
    if (!ok[m.status]) fail(`status ${m.status} does not match the amounts`);
  });
export type MilestoneMoneyState = z.infer<typeof milestoneMoneyStateSchema>;

const milestoneRef = z.object({
  milestoneId: z.uuid(),
  workspaceId: z.uuid(),
  /** billing's order id for this milestone. */
  orderId: z.string().min(1).max(200),
  /** The order's whole money state after this fact (see above). */
  money: milestoneMoneyStateSchema,
});

/** `amount`: the amount this one fact moved (a partial refund or dispute: just its part). */
const milestoneMoney = milestoneRef.extend({
  amount: minorUnitsSchema,
  currency: currencySchema,
});

export const milestoneFundedDataSchema = milestoneMoney.extend({
  /** Stripe charge / payment intent the funds came from (the release's source_transaction). */
  chargeId: z.string().min(1).max(200),
});
export const milestonePaymentFailedDataSchema = milestoneRef.extend({
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
  const own = data as unknown as { currency?: string; money: MilestoneMoneyState };
  if (own.currency !== undefined && own.currency !== own.money.currency) throw new Error('currency must be the money state’s currency');
  return { ...envelope, data } as BillingMilestoneEvent;
}
