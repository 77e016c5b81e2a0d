import type { DisputeEvidenceView, DisputeOutcome, DisputeSide, DisputeStatus, DisputeSummaryView, DisputeView } from '@fpms/contracts';

export interface DisputeRow {
  id: string;
  seq: string;
  account_id: string;
  workspace_id: string;
  milestone_id: string;
  opened_by: string;
  opened_by_side: DisputeSide;
  statement: string | null;
  currency: string;
  status: DisputeStatus;
  opened_at: Date;
  response_due_at: Date;
  deadline_passed_at: Date | null;
  withdrawn_at: Date | null;
  outcome: DisputeOutcome | null;
  release_amount: string | null;
  refund_amount: string | null;
  resolved_by: 'admin' | 'deadline' | null;
  resolved_by_admin: string | null;
  override_reason: string | null;
  resolved_at: Date | null;
}

export interface EvidenceRow {
  id: string;
  dispute_id: string;
  added_by: string;
  side: DisputeSide;
  statement: string | null;
  file_versions: Array<{ fileId: string; versionId: string }>;
  activity_ids: string[];
  message_ids: string[];
  created_at: Date;
}

export const DISPUTE_COLUMNS = `d.id, d.seq::text, d.account_id, d.workspace_id, d.milestone_id, d.opened_by, d.opened_by_side, d.statement, d.currency,
  d.status, d.opened_at, d.response_due_at, d.deadline_passed_at, d.withdrawn_at, d.outcome, d.release_amount::text, d.refund_amount::text,
  d.resolved_by, d.resolved_by_admin, d.override_reason, d.resolved_at`;

export const EVIDENCE_COLUMNS = `e.id, e.dispute_id, e.added_by, e.side, e.statement, e.file_versions, e.activity_ids, e.message_ids, e.created_at`;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toEvidenceView(e: EvidenceRow): DisputeEvidenceView {
  return {
    id: e.id,
    addedBy: e.added_by,
    side: e.side,
    statement: e.statement,
    fileVersions: e.file_versions,
    activityIds: e.activity_ids,
    messageIds: e.message_ids,
    createdAt: iso(e.created_at)!,
  };
}

export function toDisputeView(d: DisputeRow, evidence: EvidenceRow[]): DisputeView {
  return {
    id: d.id,
    accountId: d.account_id,
    workspaceId: d.workspace_id,
    milestoneId: d.milestone_id,
    status: d.status,
    openedBy: d.opened_by,
    openedBySide: d.opened_by_side,
    statement: d.statement,
    currency: d.currency,
    openedAt: iso(d.opened_at)!,
    responseDueAt: iso(d.response_due_at)!,
    deadlinePassedAt: iso(d.deadline_passed_at),
    withdrawnAt: iso(d.withdrawn_at),
    resolution:
      d.status === 'resolved' && d.outcome && d.resolved_by && d.resolved_at
        ? {
            outcome: d.outcome,
            releaseAmount: Number(d.release_amount ?? 0),
            refundAmount: Number(d.refund_amount ?? 0),
            resolvedBy: d.resolved_by,
            adminUserId: d.resolved_by_admin,
            overrideReason: d.override_reason,
            resolvedAt: iso(d.resolved_at)!,
          }
        : null,
    evidence: evidence.map(toEvidenceView),
  };
}

export function toDisputeSummary(d: DisputeRow & { evidence_count: string; milestone_title: string; amount: string }): DisputeSummaryView {
  const { evidence: _none, ...view } = toDisputeView(d, []);
  return { ...view, evidenceCount: Number(d.evidence_count), milestoneTitle: d.milestone_title, amount: Number(d.amount) };
}
