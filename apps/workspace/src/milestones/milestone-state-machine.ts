import { WorkspaceAction } from '@fpms/auth/permissions';
import { MILESTONE_STATUS_VALUES, MilestoneStatusValue } from '@fpms/contracts';
import { MilestoneError } from './milestone.errors';

export type MilestoneStatus = MilestoneStatusValue;
export const MILESTONE_STATUSES = MILESTONE_STATUS_VALUES;

/** What a member asks for through the API. */
export type UserCommand =
  | 'propose'
  | 'decline'
  | 'accept'
  | 'start_funding'
  | 'submit'
  | 'request_changes'
  | 'approve'
  | 'cancel'
  | 'request_refund'
  | 'open_dispute'
  | 'withdraw_dispute';

/** What the review timer does when the client lets the review window lapse. */
export type TimerCommand = 'auto_approve';

/** Facts about money reported by billing: the only way into funded, released, refunded. */
export type BillingCommand = 'funded' | 'payment_failed' | 'released' | 'refunded' | 'disputed' | 'dispute_won' | 'dispute_lost';

export type MilestoneCommand = UserCommand | TimerCommand | BillingCommand;

/** Leave a dispute: back to the status the milestone had when the dispute opened. */
const RESUME = 'resume' as const;

interface Rule {
  from: readonly MilestoneStatus[];
  to: MilestoneStatus | typeof RESUME;
}

/** Statuses in which money sits in escrow (funded and not yet released or refunded). */
const HOLDING: readonly MilestoneStatus[] = ['funded', 'submitted', 'changes_requested', 'approved', 'refund_requested'];

/**
 * The whole lifecycle, in one table:
 *
 *   draft → proposed → accepted → funding → funded → submitted → approved → released
 *                 ↘ draft (declined)                    ↘ changes_requested → submitted (resubmitted)
 *   cancelled: before any money moves (draft, proposed, accepted)
 *   refund_requested → refunded;  disputed ⇄ (status before the dispute) or → refunded
 *
 * User commands need the listed permission (checked by WorkspaceAccess before the state);
 * money states are entered only by billing events.
 */
export const USER_RULES: Readonly<Record<UserCommand, Rule & { action: WorkspaceAction }>> = {
  propose: { from: ['draft'], to: 'proposed', action: WorkspaceAction.ManageMilestones },
  decline: { from: ['proposed'], to: 'draft', action: WorkspaceAction.DecideMilestones },
  accept: { from: ['proposed'], to: 'accepted', action: WorkspaceAction.DecideMilestones },
  start_funding: { from: ['accepted'], to: 'funding', action: WorkspaceAction.FundMilestones },
  submit: { from: ['funded', 'changes_requested'], to: 'submitted', action: WorkspaceAction.ManageMilestones },
  request_changes: { from: ['submitted'], to: 'changes_requested', action: WorkspaceAction.DecideMilestones },
  approve: { from: ['submitted'], to: 'approved', action: WorkspaceAction.DecideMilestones },
  cancel: { from: ['draft', 'proposed', 'accepted'], to: 'cancelled', action: WorkspaceAction.ManageMilestones },
  request_refund: { from: ['funded', 'submitted', 'changes_requested'], to: 'refund_requested', action: WorkspaceAction.DecideMilestones },
  open_dispute: { from: ['funded', 'submitted', 'changes_requested', 'refund_requested'], to: 'disputed', action: WorkspaceAction.DecideMilestones },
  withdraw_dispute: { from: ['disputed'], to: RESUME, action: WorkspaceAction.DecideMilestones },
};

export const TIMER_RULES: Readonly<Record<TimerCommand, Rule>> = {
  auto_approve: { from: ['submitted'], to: 'approved' },
};

export const BILLING_RULES: Readonly<Record<BillingCommand, Rule & { alreadyIn: readonly MilestoneStatus[] }>> = {
  // `accepted` too: a retried checkout may succeed after an earlier attempt failed.
  funded: { from: ['funding', 'accepted'], to: 'funded', alreadyIn: [...HOLDING, 'released', 'refunded', 'disputed'] },
  payment_failed: { from: ['funding'], to: 'accepted', alreadyIn: MILESTONE_STATUS_VALUES.filter((s) => s !== 'funding') },
  released: { from: ['approved', 'disputed'], to: 'released', alreadyIn: ['released'] },
  refunded: { from: [...HOLDING, 'released', 'disputed'], to: 'refunded', alreadyIn: ['refunded'] },
  disputed: { from: [...HOLDING, 'released'], to: 'disputed', alreadyIn: ['disputed', 'refunded'] },
  dispute_won: { from: ['disputed'], to: RESUME, alreadyIn: MILESTONE_STATUS_VALUES.filter((s) => s !== 'disputed') },
  dispute_lost: { from: ['disputed'], to: 'refunded', alreadyIn: ['refunded'] },
};

/** Where a dispute may resume to: the statuses it can be opened from. */
const RESUMABLE: readonly MilestoneStatus[] = [...HOLDING, 'released'];

function target(rule: Rule, status: MilestoneStatus, resumeStatus: MilestoneStatus | null, command: string): MilestoneStatus {
  if (rule.to !== RESUME) return rule.to;
  if (!resumeStatus || !RESUMABLE.includes(resumeStatus)) throw MilestoneError.invalidTransition(status, command);
  return resumeStatus;
}

export interface Transition {
  from: MilestoneStatus;
  to: MilestoneStatus;
  /** Set when entering `disputed`: where leaving the dispute returns to. */
  resumeStatus: MilestoneStatus | null;
}

function apply(rule: Rule, status: MilestoneStatus, resumeStatus: MilestoneStatus | null, command: string): Transition {
  if (!rule.from.includes(status)) throw MilestoneError.invalidTransition(status, command);
  const to = target(rule, status, resumeStatus, command);
  return { from: status, to, resumeStatus: to === 'disputed' ? status : null };
}

/** A member's command: the transition, or 409 `invalid_milestone_transition`. */
export function userTransition(status: MilestoneStatus, command: UserCommand, resumeStatus: MilestoneStatus | null = null): Transition {
  return apply(USER_RULES[command], status, resumeStatus, command);
}

export function timerTransition(status: MilestoneStatus, command: TimerCommand): Transition {
  return apply(TIMER_RULES[command], status, null, command);
}

export type BillingOutcome = { kind: 'apply'; transition: Transition } | { kind: 'already' } | { kind: 'impossible' };

/**
 * A money fact from billing. `already`: the milestone has reached (or passed) what the
 * event says, e.g. a replayed `funded` after submission; `impossible`: the fact contradicts
 * the lifecycle (a release of a milestone nobody approved) and needs a human.
 */
export function billingTransition(status: MilestoneStatus, command: BillingCommand, resumeStatus: MilestoneStatus | null = null): BillingOutcome {
  const rule = BILLING_RULES[command];
  if (rule.from.includes(status)) return { kind: 'apply', transition: apply(rule, status, resumeStatus, command) };
  if (rule.alreadyIn.includes(status)) return { kind: 'already' };
  return { kind: 'impossible' };
}

/** Statuses a milestone can no longer leave except through money events (for "open" counts). */
export const CLOSED_STATUSES: readonly MilestoneStatus[] = ['released', 'cancelled', 'refunded'];
/** Statuses whose due date still matters (overdue detection): work not yet delivered and accepted. */
export const DUE_TRACKED_STATUSES: readonly MilestoneStatus[] = ['draft', 'proposed', 'accepted', 'funding', 'funded', 'changes_requested'];
