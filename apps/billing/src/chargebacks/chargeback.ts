import type { ChargebackView } from '@fpms/contracts';
import { dateOrNull } from '../payments/row-values';

/** A `chargebacks` row: one Stripe dispute on an order's charge, as billing last saw it. */
export interface Chargeback {
  id: string;
  orderId: string;
  accountId: string;
  workspaceId: string;
  milestoneId: string;
  chargeId: string;
  amount: number;
  currency: string;
  reason: string | null;
  stripeStatus: string;
  outcome: 'won' | 'lost' | null;
  evidenceDueBy: Date | null;
  /** When billing submits its evidence unless the freelancer answers personally. */
  evidenceSubmitAt: Date | null;
  evidenceSubmittedAt: Date | null;
  evidence: Record<string, string> | null;
  evidenceLastError: string | null;
  /** Failed submissions so far (the next attempt is `evidenceSubmitAt`, with backoff). */
  evidenceAttempts: number;
  /** Stripe's due date passed before billing could submit: nothing is sent late; a human looks. */
  evidenceFlaggedAt: Date | null;
  openedAt: Date;
  closedAt: Date | null;
}

/** Stripe statuses of a dispute that is still open (inquiries included: they may still become chargebacks). */
export const OPEN_DISPUTE_STATUSES: readonly string[] = [
  'warning_needs_response',
  'warning_under_review',
  'needs_response',
  'under_review',
];
/** The statuses in which Stripe accepts evidence. */
export const AWAITING_EVIDENCE_STATUSES: readonly string[] = ['warning_needs_response', 'needs_response'];

/** The outcome a closed dispute's status means; an inquiry closed without a chargeback counts as won (nothing was taken). */
export function outcomeOf(stripeStatus: string): 'won' | 'lost' | null {
  if (stripeStatus === 'lost') return 'lost';
  if (stripeStatus === 'won' || stripeStatus === 'warning_closed') return 'won';
  return null;
}

export function toChargeback(r: Record<string, unknown>): Chargeback {
  return {
    id: r.id as string,
    orderId: r.order_id as string,
    accountId: r.account_id as string,
    workspaceId: r.workspace_id as string,
    milestoneId: r.milestone_id as string,
    chargeId: r.charge_id as string,
    amount: Number(r.amount),
    currency: r.currency as string,
    reason: (r.reason as string) ?? null,
    stripeStatus: r.stripe_status as string,
    outcome: (r.outcome as 'won' | 'lost') ?? null,
    evidenceDueBy: dateOrNull(r.evidence_due_by),
    evidenceSubmitAt: dateOrNull(r.evidence_submit_at),
    evidenceSubmittedAt: dateOrNull(r.evidence_submitted_at),
    evidence: (r.evidence as Record<string, string>) ?? null,
    evidenceLastError: (r.evidence_last_error as string) ?? null,
    evidenceAttempts: Number(r.evidence_attempts ?? 0),
    evidenceFlaggedAt: dateOrNull(r.evidence_flagged_at),
    openedAt: dateOrNull(r.opened_at) as Date,
    closedAt: dateOrNull(r.closed_at),
  };
}

/** The chargeback as the payment view shows it; `freelancerResponds`: the freelancer chose to answer Stripe personally. */
export function chargebackView(c: Chargeback, freelancerResponds: boolean, now: Date): ChargebackView {
  let evidence: ChargebackView['evidence'];
  if (c.evidenceSubmittedAt) evidence = 'submitted';
  else if (freelancerResponds) evidence = 'freelancer_responds';
  else if (c.evidenceFlaggedAt) evidence = 'past_due';
  else if (!c.outcome && (!c.evidenceDueBy || c.evidenceDueBy.getTime() > now.getTime())) evidence = 'scheduled';
  else evidence = 'not_submitted';
  return {
    id: c.id,
    status: c.outcome ?? 'open',
    stripeStatus: c.stripeStatus,
    amount: c.amount,
    currency: c.currency,
    reason: c.reason,
    dueBy: c.evidenceDueBy?.toISOString() ?? null,
    evidence,
    evidenceSubmitAt: c.evidenceSubmitAt?.toISOString() ?? null,
    evidenceSubmittedAt: c.evidenceSubmittedAt?.toISOString() ?? null,
    evidenceLastError: c.evidenceLastError,
    evidenceAttempts: c.evidenceAttempts,
    openedAt: c.openedAt.toISOString(),
    closedAt: c.closedAt?.toISOString() ?? null,
  };
}
