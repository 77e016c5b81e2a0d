import { APPROVAL_SIDE, ApprovalAction, ApprovalGateView, ApprovalStatus } from '@fpms/contracts';
import { sideOf, WorkspaceRole } from '@fpms/auth/permissions';
import { UserCommand } from '../milestones/milestone-state-machine';
import { ApprovalError } from './approval.errors';

/**
 * What can happen to an approval request, in one table. A request is `pending` at one gate
 * at a time; passing a gate opens the next (`pass_gate`) or, at the last, approves it and runs
 * the action (`complete`). Reminders and escalations leave it pending. Every other step ends it.
 */
export type ApprovalTransition = 'pass_gate' | 'complete' | 'reject' | 'cancel' | 'supersede' | 'remind' | 'escalate';

export const APPROVAL_TRANSITIONS: Readonly<Record<ApprovalTransition, { from: readonly ApprovalStatus[]; to: ApprovalStatus }>> = {
  pass_gate: { from: ['pending'], to: 'pending' },
  complete: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  cancel: { from: ['pending'], to: 'cancelled' },
  supersede: { from: ['pending'], to: 'superseded' },
  remind: { from: ['pending'], to: 'pending' },
  escalate: { from: ['pending'], to: 'pending' },
};

/** The status after `transition`, or 409 `approval_not_pending`. */
export function approvalTransition(status: ApprovalStatus, transition: ApprovalTransition): ApprovalStatus {
  const rule = APPROVAL_TRANSITIONS[transition];
  if (!rule.from.includes(status)) throw ApprovalError.notPending(status);
  return rule.to;
}

/** The milestone command each gated action stands for. */
export const COMMAND_OF: Readonly<Record<ApprovalAction, UserCommand>> = {
  fund: 'start_funding',
  approve: 'approve',
  request_refund: 'request_refund',
  submit: 'submit',
};

export function actionOf(command: UserCommand): ApprovalAction | null {
  const entry = (Object.entries(COMMAND_OF) as Array<[ApprovalAction, UserCommand]>).find(([, c]) => c === command);
  return entry ? entry[0] : null;
}

/**
 * The gates of a policy that apply to an amount: a gate with thresholds applies above its
 * threshold in that currency, and in any currency it names no threshold for (an unlisted
 * currency asks for more sign-off, never less).
 */
export function applicableGates(gates: readonly ApprovalGateView[], amount: number, currency: string): ApprovalGateView[] {
  return gates.filter((gate) => {
    if (gate.onlyAbove.length === 0) return true;
    const threshold = gate.onlyAbove.find((t) => t.currency === currency);
    return threshold === undefined || amount > threshold.amount;
  });
}

/** The role that takes over an escalated gate: the side's admin. */
export const ESCALATION_ROLE: Readonly<Record<'client' | 'freelancer', WorkspaceRole>> = { client: 'client_admin', freelancer: 'owner' };

/** Whether a member (userId, current role) may pass `gate` of a request on `action`'s side. */
export function mayPass(
  gate: ApprovalGateView,
  escalated: boolean,
  action: ApprovalAction,
  member: { userId: string; role: WorkspaceRole },
): boolean {
  const side = APPROVAL_SIDE[action];
  if (sideOf(member.role) !== side) return false;
  if (gate.approvers.userIds.includes(member.userId)) return true;
  if (gate.approvers.roles.includes(member.role)) return true;
  return escalated && member.role === ESCALATION_ROLE[side];
}
