import type { ApprovalRequestView } from './approvals.rpc';
import { Addressed, NoFields } from '../requests/addressed';
import type { MilestoneMoneyState, OrderStatus } from '../events/billing.events';
import type { RefundRequestView, RefundView } from './billing-refunds.rpc';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('billing');

/**
 * What an order is: `escrow` (funded up front, held, released by a transfer on approval) or
 * `pay_now` (an on-approval milestone paid after approval: one destination charge, the
 * platform fee as its application fee, released the moment it succeeds) or `hourly_week`
 * (one approved batch of an hourly contract's week: an off-session destination charge on the
 * saved card, released as it succeeds like pay-now; its `milestoneId` names the week charge).
 */
export const ORDER_KINDS = ['escrow', 'pay_now', 'hourly_week'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

/** Where the client pays for a milestone (funding, or paying an approved on-approval one): a Stripe Checkout page, open until `expiresAt`. */
/** Funding that waits for the client's approval chain (docs/approvals.md): fund again once it is approved. */
export interface FundingAwaitingApproval {
  approvalRequest: ApprovalRequestView;
}

export interface FundingView {
  orderId: string;
  checkoutUrl: string;
  expiresAt: string;
}

/**
 * `dispute`: a chargeback's amount withdrawn; `dispute_fee`: Stripe's fee for it (kept even
 * when won); `dispute_reinstatement`: the amount returned when the chargeback was won.
 */
export const LEDGER_ENTRY_KINDS = [
  'charge',
  'stripe_fee',
  'platform_fee',
  'transfer',
  'refund',
  'reversal',
  'dispute',
  'dispute_fee',
  'dispute_reinstatement',
] as const;
export type LedgerEntryKind = (typeof LEDGER_ENTRY_KINDS)[number];

export interface LedgerEntryView {
  id: string;
  kind: LedgerEntryKind;
  /** Integer minor units of `currency`, always positive; the kind says which way money moved. */
  amount: number;
  currency: string;
  /** The Stripe object the entry records (charge, balance transaction, transfer, …). */
  stripeObjectId: string;
  /** The webhook event that caused it (null when our own call did, e.g. the release transfer). */
  stripeEventId: string | null;
  createdAt: string;
}

/** Where the release stands: `release_pending` carries why it has not happened yet. */
export type ReleaseState =
  | { status: 'not_due' }
  | { status: 'release_pending'; reason: string; attempts: number; nextAttemptAt: string | null }
  | { status: 'released'; transferId: string; releasedAt: string };

/**
 * A chargeback on the payment as the workspace sees it. `evidence`: `submitted` (billing
 * answered Stripe, at `evidenceSubmittedAt`), `freelancer_responds` (the freelancer chose to
 * answer personally: billing submits nothing), `scheduled` (billing will submit at
 * `evidenceSubmitAt`, before `dueBy`; failed attempts are retried with backoff), `past_due`
 * (Stripe's due date passed before billing could submit: flagged for a human, nothing sent
 * late), `not_submitted` (closed without billing's evidence).
 */
export interface ChargebackView {
  id: string;
  status: 'open' | 'won' | 'lost';
  /** Stripe's own status (needs_response, under_review, won, lost, …). */
  stripeStatus: string;
  amount: number;
  currency: string;
  reason: string | null;
  dueBy: string | null;
  evidence: 'submitted' | 'freelancer_responds' | 'scheduled' | 'past_due' | 'not_submitted';
  evidenceSubmitAt: string | null;
  evidenceSubmittedAt: string | null;
  /** Why the last submission failed (it is retried with backoff until the due date). */
  evidenceLastError: string | null;
  evidenceAttempts: number;
  openedAt: string;
  closedAt: string | null;
}

export interface PaymentView {
  orderId: string;
  milestoneId: string;
  workspaceId: string;
  kind: OrderKind;
  status: OrderStatus;
  amount: number;
  currency: string;
  money: MilestoneMoneyState;
  release: ReleaseState;
  /** The open Checkout page, while one is open. */
  checkout: { sessionId: string; url: string; expiresAt: string } | null;
  /** `applicationFeeId`: the platform fee of a pay-now destination charge (null for escrow orders). */
  stripe: {
    checkoutSessionId: string | null;
    paymentIntentId: string | null;
    chargeId: string | null;
    transferId: string | null;
    applicationFeeId: string | null;
  };
  ledger: LedgerEntryView[];
  /** Every refund of the payment, oldest first (pending ones with their last error). */
  refunds: Array<Omit<RefundView, 'money'>>;
  /** The client's latest refund request (open, accepted, contested or settled), or null. */
  refundRequest: RefundRequestView | null;
  /** Every chargeback on the payment, oldest first (open, won or lost). */
  chargebacks: ChargebackView[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

const MilestoneRef = Addressed(NoFields, 'workspaceId', 'milestoneId');

export const BillingPaymentsRpc = {
  /**
   * The client admin funds a milestone: billing opens (or returns the open) Checkout Session
   * for its exact amount. 409 `payouts_not_enabled` while the freelancer cannot be paid.
   */
  /** The Checkout page; or, when the client's funding waits for an approval chain, that request (no order yet). */
  fund: rpcPattern<FundingView | FundingAwaitingApproval>()(queue, 'billing.payments.fund', MilestoneRef),
  /**
   * The client admin pays an approved on-approval milestone: billing opens (or returns the open)
   * Checkout Session for a destination charge to the freelancer, the plan's platform fee as its
   * application fee. 409 `milestone_not_payable` unless it is on-approval and approved.
   */
  pay: rpcPattern<FundingView>()(queue, 'billing.payments.pay', MilestoneRef),
  /** The order, its ledger and its Stripe ids, for members of the workspace. */
  get: rpcPattern<PaymentView>()(queue, 'billing.payments.get', MilestoneRef),
} as const;
