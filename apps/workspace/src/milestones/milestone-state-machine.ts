import { WorkspaceAction } from '@fpms/auth/permissions';
import { DisputeOutcome, MILESTONE_STATUS_VALUES, MilestoneBillingMode, MilestoneStatusValue } from '@fpms/contracts';
import { MilestoneError } from './milestone.errors';

export type MilestoneStatus = MilestoneStatusValue;
export const MILESTONE_STATUSES = MILESTONE_STATUS_VALUES;

/** Visible statuses that money and freezes decide; members never store them as work. */
const DERIVED_STATUSES = ['released', 'refunded', 'disputed'] as const;

/** The member-driven lifecycle (the contract's statuses without the derived ones, see visibleStatus). */
export type WorkStatus = Exclude<MilestoneStatusValue, (typeof DERIVED_STATUSES)[number]>;
export const WORK_STATUSES: readonly WorkStatus[] = MILESTONE_STATUS_VALUES.filter(
  (status): status is WorkStatus => !(DERIVED_STATUSES as readonly string[]).includes(status),
);

/** A platform admin's decision (or the response deadline's) on an in-app dispute. */
export type DisputeCommand = 'resolve_dispute';

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

/** A newer money state from billing (the only way money enters a milestone). */
export type BillingCommand = 'money';

export type MilestoneCommand = UserCommand | TimerCommand | BillingCommand | DisputeCommand;

/** billing's newest money state for the milestone, integer minor units; null until billing reports. */
export interface MoneyAmounts {
  charged: number;
  released: number;
  platformFee: number;
  refunded: number;
  disputed: number;
}
export const NO_MONEY: MoneyAmounts = { charged: 0, released: 0, platformFee: 0, refunded: 0, disputed: 0 };

/**
 * Everything the lifecycle decides on. Two independent freezes: the in-app dispute
 * (`disputeOpenedBy`, set and cleared by members) and the chargeback (`money.disputed` > 0,
 * set and cleared only by billing's state). Neither remembers the other or a status to
 * return to: the work status simply stays where it was while frozen.
 */
export interface MilestoneState {
  work: WorkStatus;
  /** escrow: funded before the work; on_approval: paid by the client after approval (billing's pay-now order). */
  billing: MilestoneBillingMode;
  disputeOpenedBy: string | null;
  money: MoneyAmounts;
  /** billing's order status label (null until billing reports). */
  orderStatus: string | null;
  /**
   * A resolved in-app dispute's outcome, kept until billing's money follows it: no member
   * command or auto-approval runs meanwhile, so nothing but the decided money moves.
   */
  settlement?: DisputeOutcome | null;
}

export const chargebackOpen = (s: MilestoneState): boolean => s.money.disputed > 0;
export const frozen = (s: MilestoneState): boolean => s.disputeOpenedBy !== null || chargebackOpen(s);
/** A dispute was decided and billing has not reported the money of that decision yet. */
export const settling = (s: MilestoneState): boolean => (s.settlement ?? null) !== null;

/**
 * The status users and dashboards see, derived from work status, money and freezes:
 * money outcomes first (a full refund, whatever else), then freezes, then a release that
 * happened, then the work status. A release under a later chargeback shows `disputed`
 * with `money.released` still telling what was transferred.
 */
export function visibleStatus(s: MilestoneState): MilestoneStatus {
  if (s.work === 'cancelled') return 'cancelled';
  if (s.money.charged > 0 && s.money.refunded >= s.money.charged) return 'refunded';
  if (frozen(s)) return 'disputed';
  // A paid on-approval milestone whose client asks for its money back shows the request (escrow cannot get here: no release after one).
  if (s.money.released > 0 && s.work !== 'refund_requested') return 'released';
  // Decided, and the money not there yet: still the dispute's, not the members' (settling()).
  if (settling(s)) return 'disputed';
  return s.work;
}

/** Visible statuses nothing but money can leave. */
const CLOSED: readonly MilestoneStatus[] = ['released', 'refunded', 'cancelled'];

interface Rule {
  from: readonly WorkStatus[];
}

/**
 * The member lifecycle, in one table (work statuses):
 *
 *   draft → proposed → accepted → funding → funded → submitted → approved
 *                 ↘ draft (declined)                    ↘ changes_requested → submitted (resubmitted)
 *   cancelled: before any money moves (draft, proposed, accepted);  refund_requested
 *   open_dispute / withdraw_dispute set and clear the in-app freeze; the work status stays.
 *
 * `funded`, `released` and `refunded` come from billing's money state only. No command but
 * withdraw_dispute (and opening an in-app dispute during a chargeback) runs while frozen.
 */
export const USER_RULES: Readonly<Record<UserCommand, Rule & { to: WorkStatus | 'freeze' | 'unfreeze'; action: WorkspaceAction }>> = {
  propose: { from: ['draft'], to: 'proposed', action: WorkspaceAction.ManageMilestones },
  decline: { from: ['proposed'], to: 'draft', action: WorkspaceAction.DecideMilestones },
  accept: { from: ['proposed'], to: 'accepted', action: WorkspaceAction.DecideMilestones },
  start_funding: { from: ['accepted'], to: 'funding', action: WorkspaceAction.FundMilestones },
  submit: { from: ['funded', 'changes_requested'], to: 'submitted', action: WorkspaceAction.ManageMilestones },
  request_changes: { from: ['submitted'], to: 'changes_requested', action: WorkspaceAction.DecideMilestones },
  approve: { from: ['submitted'], to: 'approved', action: WorkspaceAction.DecideMilestones },
  cancel: { from: ['draft', 'proposed', 'accepted'], to: 'cancelled', action: WorkspaceAction.ManageMilestones },
  request_refund: { from: ['funded', 'submitted', 'changes_requested'], to: 'refund_requested', action: WorkspaceAction.DecideMilestones },
  open_dispute: {
    from: ['funded', 'submitted', 'changes_requested', 'refund_requested'],
    to: 'freeze',
    action: WorkspaceAction.DisputeMilestones,
  },
  withdraw_dispute: { from: WORK_STATUSES, to: 'unfreeze', action: WorkspaceAction.DisputeMilestones },
};

export interface Transition {
  from: MilestoneStatus;
  to: MilestoneStatus;
  before: MilestoneState;
  after: MilestoneState;
}

const transition = (before: MilestoneState, after: MilestoneState): Transition => ({
  from: visibleStatus(before),
  to: visibleStatus(after),
  before,
  after,
});

/**
 * On-approval milestones depart from the table: never funded (no start_funding), submitted
 * straight from accepted, and refund requests only once paid (a paid one is `released`):
 * before that there is no money to ask back.
 */
function onApprovalRule(state: MilestoneState, command: UserCommand): readonly WorkStatus[] | null {
  if (state.billing !== 'on_approval') return null;
  if (command === 'start_funding') return [];
  if (command === 'submit') return ['accepted', 'changes_requested'];
  if (command === 'request_refund') return state.money.charged > state.money.refunded ? ['approved'] : [];
  return null;
}

/** A member's command: the transition, or 409 `invalid_milestone_transition` (403 for someone else's dispute). */
export function userTransition(state: MilestoneState, command: UserCommand, userId: string): Transition {
  const rule = USER_RULES[command];
  const from = onApprovalRule(state, command) ?? rule.from;
  const status = visibleStatus(state);
  const refuse = () => MilestoneError.invalidTransition(status, command);
  const paidOnApproval = state.billing === 'on_approval' && status === 'released' && command === 'request_refund';
  if ((CLOSED.includes(status) && !paidOnApproval) || settling(state)) throw refuse();
  if (rule.to === 'unfreeze') {
    if (state.disputeOpenedBy === null) throw refuse();
    // Only its opener withdraws an in-app dispute; a chargeback is not theirs to lift.
    if (state.disputeOpenedBy !== userId) throw MilestoneError.notDisputeOpener();
    return transition(state, { ...state, disputeOpenedBy: null });
  }
  if (rule.to === 'freeze') {
    // Allowed during a chargeback: the client's own objection must outlive the bank's.
    if (state.disputeOpenedBy !== null || !rule.from.includes(state.work)) throw refuse();
    return transition(state, { ...state, disputeOpenedBy: userId });
  }
  if (frozen(state) || !from.includes(state.work)) throw refuse();
  return transition(state, { ...state, work: rule.to });
}

/** The review timer's approval: only an unfrozen submission. */
export function timerTransition(state: MilestoneState, command: TimerCommand): Transition {
  if (command !== 'auto_approve' || frozen(state) || settling(state) || visibleStatus(state) !== 'submitted')
    throw MilestoneError.invalidTransition(visibleStatus(state), command);
  return transition(state, { ...state, work: 'approved' });
}

/**
 * Resolving an in-app dispute: lifts its freeze and records the outcome until the money
 * follows (a chargeback freeze, if any, stays: it is billing's). 409 without an open dispute.
 */
export function disputeResolution(state: MilestoneState, outcome: DisputeOutcome): Transition {
  if (state.disputeOpenedBy === null || settling(state)) throw MilestoneError.invalidTransition(visibleStatus(state), 'resolve_dispute');
  return transition(state, { ...state, disputeOpenedBy: null, settlement: outcome });
}

export type BillingOutcome = { kind: 'apply'; transition: Transition } | { kind: 'impossible'; reason: string };

/**
 * billing's newest money state replaces the milestone's, whatever arrived before: the
 * only work-status effects are money arriving (accepted/funding → funded) and a failed
 * checkout (funding → accepted); released, refunded and disputed are derived from the
 * amounts. `impossible`: money for a milestone nobody agreed to fund (needs a human).
 */
export function billingTransition(state: MilestoneState, money: MoneyAmounts, orderStatus: string): BillingOutcome {
  let work = state.work;
  if (money.charged > 0) {
    if (work === 'draft' || work === 'proposed' || work === 'cancelled')
      return { kind: 'impossible', reason: `money charged for a ${work} milestone` };
    // An on-approval milestone is paid after approval: money changes no work status.
    if (state.billing === 'escrow' && (work === 'accepted' || work === 'funding')) work = 'funded';
  } else if (orderStatus === 'payment_failed' && work === 'funding') {
    work = 'accepted';
  }
  return { kind: 'apply', transition: transition(state, { ...state, work, money: { ...money }, orderStatus }) };
}

/** Statuses a milestone can no longer leave except through money events (for "open" counts). */
export const CLOSED_STATUSES: readonly MilestoneStatus[] = CLOSED;
/** Statuses whose due date still matters (overdue detection): work not yet delivered and accepted. */
export const DUE_TRACKED_STATUSES: readonly MilestoneStatus[] = ['draft', 'proposed', 'accepted', 'funding', 'funded', 'changes_requested'];
