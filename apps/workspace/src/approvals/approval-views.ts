import { ApprovalLogEntry, ApprovalRequestView } from '@fpms/contracts';
import type { WorkspaceRole } from '@fpms/auth/permissions';
import { mayPass } from './approval-state-machine';
import { ApprovalRequestRow } from './approval-requests.repository';

export interface CurrentMember {
  userId: string;
  role: WorkspaceRole;
}

/** Who has decided on the request already (either way): none of them passes another gate. */
export const decidedBy = (log: readonly ApprovalLogEntry[]): Set<string> =>
  new Set(log.filter((e) => (e.event === 'approved_gate' || e.event === 'rejected') && e.userId).map((e) => e.userId as string));

/** Members who may pass the request's current gate now: eligible, not the requester, not decided yet. */
export function waitingFor(row: ApprovalRequestRow, log: readonly ApprovalLogEntry[], members: readonly CurrentMember[]): string[] {
  if (row.status !== 'pending' || row.current_gate === null) return [];
  const gate = row.gates[row.current_gate];
  const escalated = row.escalated_gates.includes(row.current_gate);
  const decided = decidedBy(log);
  return members
    .filter((m) => m.userId !== row.requested_by && !decided.has(m.userId) && mayPass(gate, escalated, row.action, m))
    .map((m) => m.userId)
    .sort();
}

export function toApprovalView(row: ApprovalRequestRow, log: ApprovalLogEntry[], members: readonly CurrentMember[]): ApprovalRequestView {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    milestoneId: row.milestone_id,
    action: row.action,
    status: row.status,
    requestedBy: row.requested_by,
    amount: Number(row.amount),
    currency: row.currency,
    policyVersion: row.policy_version,
    gates: row.gates.map((gate, index) => ({
      ...gate,
      approvals: log.filter((e) => e.event === 'approved_gate' && e.gate === index).length,
      escalated: row.escalated_gates.includes(index),
    })),
    currentGate: row.current_gate,
    waitingFor: waitingFor(row, log, members),
    reason: row.reason,
    log,
    createdAt: new Date(row.created_at).toISOString(),
    decidedAt: row.decided_at ? new Date(row.decided_at).toISOString() : null,
  };
}
