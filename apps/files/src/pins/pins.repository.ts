import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { writeQuery } from '@fpms/database';
import type { TenantManager } from '@fpms/database/tenant-manager';

export interface MilestoneState {
  milestoneId: string;
  accountId: string;
  workspaceId: string;
  /** The version the milestone references now (null before its first submission). */
  versionId: string | null;
  milestoneVersion: number;
  actorUserId: string | null;
}

export interface SubmissionPin {
  version_id: string;
  milestone_id: string;
  milestone_version: number;
  pinned_at: Date;
}

/**
 * What keeps a version pinned, and why. A version is pinned while a milestone's committed
 * state references it (`milestone_deliverables`, from the workspace service's events), while
 * a submission that took a provisional pin is unresolved, or while a member's manual pin
 * stands. `file_versions.pinned_*` summarises these; `refreshSummary` is the only writer.
 */
@Injectable()
export class PinsRepository {
  async addManual(
    manager: TenantManager,
    pin: { accountId: string; workspaceId: string; versionId: string; pinnedFor: string | null; by: string; at: Date },
  ): Promise<void> {
    await manager.query(
      `insert into file_version_pins (id, account_id, workspace_id, version_id, kind, pinned_for, pinned_by, pinned_at)
       values ($1, $2, $3, $4, 'manual', $5, $6, $7) on conflict do nothing`,
      [randomUUID(), pin.accountId, pin.workspaceId, pin.versionId, pin.pinnedFor, pin.by, pin.at],
    );
  }

  async removeManual(manager: TenantManager, versionId: string): Promise<void> {
    await manager.query(`delete from file_version_pins where version_id = $1 and kind = 'manual'`, [versionId]);
  }

  /**
   * A submission's provisional pin; the same submission retried is the same pin. Not taken
   * if the milestone's known state is already past the submission's start: that submission's
   * transaction is over (a late, slow call), and nothing would ever settle the pin.
   */
  async addSubmission(
    manager: TenantManager,
    pin: { accountId: string; workspaceId: string; versionId: string; milestoneId: string; milestoneVersion: number; by: string; at: Date },
  ): Promise<void> {
    await this.lockMilestone(manager, pin.milestoneId);
    await manager.query(
      `insert into file_version_pins (id, account_id, workspace_id, version_id, kind, milestone_id, milestone_version, pinned_by, pinned_at)
       select $1, $2, $3, $4, 'submission', $5, $6, $7, $8
        where not exists (select 1 from milestone_deliverables where milestone_id = $5 and milestone_version > $6)
       on conflict do nothing`,
      [randomUUID(), pin.accountId, pin.workspaceId, pin.versionId, pin.milestoneId, pin.milestoneVersion, pin.by, pin.at],
    );
  }

  async releaseSubmission(
    manager: TenantManager,
    pin: { versionId: string; milestoneId: string; milestoneVersion: number },
  ): Promise<boolean> {
    const { affected } = await writeQuery(
      manager,
      `delete from file_version_pins where kind = 'submission' and version_id = $1 and milestone_id = $2 and milestone_version = $3`,
      [pin.versionId, pin.milestoneId, pin.milestoneVersion],
    );
    return affected > 0;
  }

  async unresolvedSubmissions(manager: TenantManager, versionId: string): Promise<SubmissionPin[]> {
    return manager.query(
      `select version_id, milestone_id, milestone_version, pinned_at from file_version_pins where kind = 'submission' and version_id = $1 order by pinned_at`,
      [versionId],
    );
  }

  async milestonesNeeding(manager: TenantManager, versionId: string): Promise<string[]> {
    const rows: Array<{ milestone_id: string }> = await manager.query(
      `select milestone_id from milestone_deliverables where version_id = $1 order by milestone_id`,
      [versionId],
    );
    return rows.map((r) => r.milestone_id);
  }

  /**
   * Applies a milestone's state as of `milestoneVersion`, unless a newer one was applied
   * already (events arrive in any order; each carries the whole state). Any submission pin
   * taken at an older milestone version is then resolved: if that submission committed, the
   * state (or a later one) says what the milestone needs; if it rolled back, nothing does.
   * Returns the versions whose pins may have changed.
   */
  async applyMilestoneState(manager: TenantManager, s: MilestoneState): Promise<string[]> {
    await this.lockMilestone(manager, s.milestoneId);
    const [current]: Array<{ version_id: string | null; milestone_version: number }> = await manager.query(
      `select version_id, milestone_version from milestone_deliverables where milestone_id = $1`,
      [s.milestoneId],
    );
    if (current && current.milestone_version >= s.milestoneVersion) return [];
    await manager.query(
      `insert into milestone_deliverables (milestone_id, account_id, workspace_id, version_id, milestone_version, submitted_by, updated_at)
       values ($1, $2, $3, $4, $5, $6, now())
       on conflict (milestone_id) do update
         set version_id = excluded.version_id, milestone_version = excluded.milestone_version,
             submitted_by = case when milestone_deliverables.version_id is distinct from excluded.version_id
                                 then excluded.submitted_by else milestone_deliverables.submitted_by end,
             updated_at = case when milestone_deliverables.version_id is distinct from excluded.version_id
                               then now() else milestone_deliverables.updated_at end
       where milestone_deliverables.milestone_version < excluded.milestone_version`,
      [s.milestoneId, s.accountId, s.workspaceId, s.versionId, s.milestoneVersion, s.actorUserId],
    );
    const { rows: released } = await writeQuery<{ version_id: string }>(
      manager,
      `delete from file_version_pins where kind = 'submission' and milestone_id = $1 and milestone_version < $2 returning version_id`,
      [s.milestoneId, s.milestoneVersion],
    );
    return [current?.version_id, s.versionId, ...released.map((r) => r.version_id)].filter((v): v is string => !!v);
  }

  /**
   * Serialises everything that changes one milestone's pins (events handled concurrently,
   * a submission's pin), until the transaction ends: without it, two states of the same
   * milestone applied at once could each miss the other's row. Keyed by the milestone id.
   * Lock order everywhere: milestone lock, then file, then version rows.
   */
  async lockMilestone(manager: TenantManager, milestoneId: string): Promise<void> {
    await manager.query(`select pg_advisory_xact_lock(hashtext('files.milestone_pins'), hashtext($1))`, [milestoneId]);
  }

  /** Recomputes `file_versions.pinned_*`: a milestone's need first, then the oldest other pin; nulls when nothing pins it. */
  async refreshSummary(manager: TenantManager, versionIds: string[]): Promise<void> {
    const ids = [...new Set(versionIds)].sort();
    if (ids.length === 0) return;
    // Row locks first, in a statement of their own: the UPDATE below then reads (READ
    // COMMITTED) every pin committed by whoever held a row before us, so a concurrent pin
    // change can never leave a stale summary (e.g. "unpinned" over a fresh pin).
    await manager.query(`select id from file_versions where id = any($1::uuid[]) order by id for update`, [ids]);
    await manager.query(
      `update file_versions v
          set (pinned_at, pinned_by, pinned_for) = (
            select p.at, p.by, p.reason from (
              select d.updated_at as at, d.submitted_by as by, 'milestone:' || d.milestone_id as reason, 0 as rank
                from milestone_deliverables d where d.version_id = v.id
              union all
              select x.pinned_at, x.pinned_by, coalesce(x.pinned_for, 'milestone:' || x.milestone_id), 1
                from file_version_pins x where x.version_id = v.id
            ) p order by p.rank, p.at limit 1)
        where v.id = any($1::uuid[])`,
      [ids],
    );
  }
}
