import {
  ApprovalPolicyRequest,
  ApproveGateRequest,
  CancelApprovalRequest,
  ListApprovalsRequest,
  PutApprovalPolicyRequest,
  RejectGateRequest,
} from '../requests/approvals.requests';
import { WorkspaceRef } from '../requests/addressed';
import type { ApprovalAction, ApprovalStatus } from './approval-values';
import type { MilestoneView } from './milestones.rpc';
import { rpcPattern, rpcQueue } from './rpc-pattern';
import type { WorkspaceRole } from './workspace-roles';

const queue = rpcQueue('workspace');

export interface ApprovalGateView {
  name: string;
  approvers: { roles: WorkspaceRole[]; userIds: string[] };
  required: number;
  onlyAbove: Array<{ currency: string; amount: number }>;
}

export interface ApprovalPolicyView {
  workspaceId: string;
  action: ApprovalAction;
  side: 'client' | 'freelancer';
  gates: ApprovalGateView[];
  /** Bumped on every change; an open request keeps the version it started with. */
  version: number;
  updatedBy: string;
  updatedAt: string;
}

/** One entry of a request's gate log: a decision, or something the system did. */
export interface ApprovalLogEntry {
  event: 'requested' | 'approved_gate' | 'rejected' | 'cancelled' | 'superseded' | 'escalated' | 'reminded' | 'completed';
  gate: number | null;
  userId: string | null;
  reason: string | null;
  at: string;
}

export interface ApprovalRequestView {
  id: string;
  workspaceId: string;
  milestoneId: string;
  action: ApprovalAction;
  status: ApprovalStatus;
  requestedBy: string;
  /** The milestone's amount and currency when requested (what the thresholds were judged on). */
  amount: number;
  currency: string;
  policyVersion: number;
  /** The gates that apply to this request (thresholds already judged), frozen when it was made. */
  gates: Array<ApprovalGateView & { approvals: number; escalated: boolean }>;
  /** Index into `gates` while pending; null once decided. */
  currentGate: number | null;
  /** Members who may pass the current gate now (not the requester, not who already decided). */
  waitingFor: string[];
  reason: string | null;
  log: ApprovalLogEntry[];
  createdAt: string;
  decidedAt: string | null;
}

/**
 * What a milestone command answers: the milestone, and — when an approval chain stands in
 * front of the action — the request now walking it (the action has not happened; 202).
 */
export type MilestoneCommandResult = MilestoneView & { approvalRequest?: ApprovalRequestView };

export const ApprovalsRpc = {
  list: rpcPattern<{ items: ApprovalRequestView[]; nextBefore: string | null }>()(queue, 'workspace.approvals.list', ListApprovalsRequest),
  approve: rpcPattern<ApprovalRequestView>()(queue, 'workspace.approvals.approve', ApproveGateRequest),
  reject: rpcPattern<ApprovalRequestView>()(queue, 'workspace.approvals.reject', RejectGateRequest),
  cancel: rpcPattern<ApprovalRequestView>()(queue, 'workspace.approvals.cancel', CancelApprovalRequest),
  listPolicies: rpcPattern<{ items: ApprovalPolicyView[] }>()(queue, 'workspace.approval-policies.list', WorkspaceRef),
  putPolicy: rpcPattern<ApprovalPolicyView>()(queue, 'workspace.approval-policies.put', PutApprovalPolicyRequest),
  deletePolicy: rpcPattern<{ deleted: boolean }>()(queue, 'workspace.approval-policies.delete', ApprovalPolicyRequest),
} as const;
