import {
  AddDisputeEvidenceRequest,
  AdminDisputeRequest,
  AdminDisputesRequest,
  AdminResolveDisputeRequest,
  DisputeOutcome,
  DisputeStatus,
} from '../requests/disputes.requests';
import { Addressed, NoFields } from '../requests/addressed';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('workspace');

export type DisputeSide = 'freelancer' | 'client';

export interface DisputeEvidenceView {
  id: string;
  addedBy: string;
  side: DisputeSide;
  statement: string | null;
  fileVersions: Array<{ fileId: string; versionId: string }>;
  activityIds: string[];
  /** Stored as given: checked once the messaging service exists (issue 16). */
  messageIds: string[];
  createdAt: string;
}

export interface DisputeResolutionView {
  outcome: DisputeOutcome;
  /** Integer minor units of the dispute's currency. */
  releaseAmount: number;
  refundAmount: number;
  /** `deadline`: the side that did not open the dispute let the response deadline pass without evidence. */
  resolvedBy: 'admin' | 'deadline';
  adminUserId: string | null;
  overrideReason: string | null;
  resolvedAt: string;
}

export interface DisputeView {
  id: string;
  accountId: string;
  workspaceId: string;
  milestoneId: string;
  status: DisputeStatus;
  openedBy: string;
  openedBySide: DisputeSide;
  statement: string | null;
  currency: string;
  openedAt: string;
  /** The other side's evidence is due by then; without any, it loses (see docs/disputes.md). */
  responseDueAt: string;
  /** When the deadline was handled (passed with a response: an admin decides). */
  deadlinePassedAt: string | null;
  withdrawnAt: string | null;
  resolution: DisputeResolutionView | null;
  evidence: DisputeEvidenceView[];
}

/** A dispute in the admin list (evidence counted, not listed). */
export type DisputeSummaryView = Omit<DisputeView, 'evidence'> & { evidenceCount: number; milestoneTitle: string; amount: number };

const MilestoneRef = Addressed(NoFields, 'workspaceId', 'milestoneId');

export const DisputesRpc = {
  /** The milestone's current (latest) dispute with its evidence; 404 if it never had one. */
  get: rpcPattern<DisputeView>()(queue, 'workspace.disputes.get', MilestoneRef),
  addEvidence: rpcPattern<DisputeView>()(queue, 'workspace.disputes.add-evidence', AddDisputeEvidenceRequest),
  /** Platform admin, audited: disputes across tenants. */
  adminList: rpcPattern<{ items: DisputeSummaryView[]; nextBefore: string | null; auditId: string }>()(
    queue,
    'workspace.admin.disputes.list',
    AdminDisputesRequest,
  ),
  adminGet: rpcPattern<DisputeView & { auditId: string }>()(queue, 'workspace.admin.disputes.get', AdminDisputeRequest),
  adminResolve: rpcPattern<DisputeView & { auditId: string }>()(queue, 'workspace.admin.disputes.resolve', AdminResolveDisputeRequest),
} as const;
