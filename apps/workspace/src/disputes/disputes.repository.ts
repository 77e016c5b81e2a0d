import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { DisputeSide } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { DISPUTE_COLUMNS, DisputeRow, EVIDENCE_COLUMNS, EvidenceRow } from './dispute-rows';
import type { ResolutionAmounts } from './resolution-amounts';

export interface NewDispute {
  id: string;
  accountId: string;
  workspaceId: string;
  milestoneId: string;
  openedBy: string;
  side: DisputeSide;
  statement: string | null;
  currency: string;
  now: Date;
  responseDueAt: Date;
}

export interface NewEvidence {
  disputeId: string;
  accountId: string;
  workspaceId: string;
  addedBy: string;
  side: DisputeSide;
  statement: string | null;
  fileVersions: Array<{ fileId: string; versionId: string }>;
  activityIds: string[];
  messageIds: string[];
  now: Date;
}

/** SQL for disputes and their evidence, in the caller's tenant transaction (RLS applies). */
@Injectable()
export class DisputesRepository {
  async open(manager: TenantManager, d: NewDispute): Promise<void> {
    await manager.query(
      `insert into milestone_disputes (id, account_id, workspace_id, milestone_id, opened_by, opened_by_side, statement, currency, opened_at, response_due_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [d.id, d.accountId, d.workspaceId, d.milestoneId, d.openedBy, d.side, d.statement, d.currency, d.now, d.responseDueAt],
    );
  }

  /** The milestone's newest dispute (open or not); `lock` for changes (take the milestone's lock first). */
  async latestForMilestone(manager: TenantManager, workspaceId: string, milestoneId: string, lock = false): Promise<DisputeRow | null> {
    const [row] = await manager.query(
      `select ${DISPUTE_COLUMNS} from milestone_disputes d where d.workspace_id = $1 and d.milestone_id = $2
        order by d.seq desc limit 1 ${lock ? 'for update' : ''}`,
      [workspaceId, milestoneId],
    );
    return row ?? null;
  }

  async find(manager: TenantManager, disputeId: string, lock = false): Promise<DisputeRow | null> {
    const [row] = await manager.query(`select ${DISPUTE_COLUMNS} from milestone_disputes d where d.id = $1 ${lock ? 'for update' : ''}`, [
      disputeId,
    ]);
    return row ?? null;
  }

  async evidence(manager: TenantManager, disputeId: string): Promise<EvidenceRow[]> {
    return manager.query(`select ${EVIDENCE_COLUMNS} from milestone_dispute_evidence e where e.dispute_id = $1 order by e.seq`, [
      disputeId,
    ]);
  }

  async addEvidence(manager: TenantManager, e: NewEvidence): Promise<string> {
    const id = randomUUID();
    await manager.query(
      `insert into milestone_dispute_evidence (id, dispute_id, account_id, workspace_id, added_by, side, statement, file_versions, activity_ids, message_ids, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        e.disputeId,
        e.accountId,
        e.workspaceId,
        e.addedBy,
        e.side,
        e.statement,
        JSON.stringify(e.fileVersions),
        JSON.stringify(e.activityIds),
        JSON.stringify(e.messageIds),
        e.now,
      ],
    );
    return id;
  }

  /** Whether `side` added any evidence by `until` (the deadline rule). */
  async answeredBy(manager: TenantManager, disputeId: string, side: DisputeSide, until: Date): Promise<boolean> {
    const [row] = await manager.query(
      `select exists (select 1 from milestone_dispute_evidence where dispute_id = $1 and side = $2 and created_at <= $3) as answered`,
      [disputeId, side, until],
    );
    return row.answered === true;
  }

  async withdraw(manager: TenantManager, disputeId: string, now: Date): Promise<void> {
    await manager.query(`update milestone_disputes set status = 'withdrawn', withdrawn_at = $2 where id = $1 and status = 'open'`, [
      disputeId,
      now,
    ]);
  }

  async resolve(
    manager: TenantManager,
    disputeId: string,
    r: ResolutionAmounts & {
      outcome: string;
      resolvedBy: 'admin' | 'deadline';
      adminUserId: string | null;
      reason: string | null;
      now: Date;
    },
  ): Promise<void> {
    await manager.query(
      `update milestone_disputes set status = 'resolved', outcome = $2, release_amount = $3, refund_amount = $4, resolved_by = $5,
         resolved_by_admin = $6, override_reason = $7, resolved_at = $8, deadline_passed_at = coalesce(deadline_passed_at, case when $5 = 'deadline' then $8::timestamptz end)
       where id = $1 and status = 'open'`,
      [disputeId, r.outcome, r.releaseAmount, r.refundAmount, r.resolvedBy, r.adminUserId, r.reason, r.now],
    );
  }

  /** The deadline passed with the other side's answer on record: an admin decides; the poller is done with it. */
  async markDeadlinePassed(manager: TenantManager, disputeId: string, now: Date): Promise<void> {
    await manager.query(`update milestone_disputes set deadline_passed_at = $2, deadline_claimed_until = null where id = $1`, [
      disputeId,
      now,
    ]);
  }

  async releaseDeadlineClaim(manager: TenantManager, disputeId: string): Promise<void> {
    await manager.query(`update milestone_disputes set deadline_claimed_until = null where id = $1`, [disputeId]);
  }

  /** Activity entries of this workspace among `ids` (RLS and the workspace filter both apply). */
  async existingActivityIds(manager: TenantManager, workspaceId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: Array<{ id: string }> = await manager.query(
      `select id::text from activity_log where workspace_id = $1 and id = any($2::bigint[])`,
      [workspaceId, ids],
    );
    return new Set(rows.map((r) => r.id));
  }
}
