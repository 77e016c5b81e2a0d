import { Injectable } from '@nestjs/common';
import { TimeEntryView } from '@fpms/contracts';
import { isExclusionViolation, isUniqueViolation } from '@fpms/database/postgres-errors';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { TimeTrackingError } from './time-tracking.errors';

export interface TimeEntryRow {
  id: string;
  seq: string;
  account_id: string;
  workspace_id: string;
  user_id: string;
  started_at: Date;
  ended_at: Date | null;
  local_day: string | null;
  week_start: string | null;
  note: string | null;
  task_id: string | null;
  milestone_id: string | null;
  source: 'manual' | 'timer';
  locked_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** An ended entry: what the read model and the events count. */
export type EndedEntry = TimeEntryRow & { ended_at: Date; local_day: string; week_start: string };

export const durationSeconds = (r: Pick<EndedEntry, 'started_at' | 'ended_at'>) =>
  Math.round((new Date(r.ended_at).getTime() - new Date(r.started_at).getTime()) / 1000);

export function toTimeEntryView(r: TimeEntryRow): TimeEntryView {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    userId: r.user_id,
    startedAt: new Date(r.started_at).toISOString(),
    endedAt: r.ended_at ? new Date(r.ended_at).toISOString() : null,
    durationMinutes: r.ended_at ? Math.round(durationSeconds(r as EndedEntry) / 60) : null,
    day: r.local_day,
    weekStart: r.week_start,
    note: r.note,
    taskId: r.task_id,
    milestoneId: r.milestone_id,
    source: r.source,
    lockedAt: r.locked_at ? new Date(r.locked_at).toISOString() : null,
    version: r.version,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

const COLUMNS = `id, seq::text, account_id, workspace_id, user_id, started_at, ended_at, local_day::text, week_start::text, note,
  task_id, milestone_id, source, locked_at, version, created_at, updated_at`;

/** The entry's local day and week from its start, in the account's time zone (PostgreSQL's tz database: DST included). */
const LOCAL_DAY = (start: string) => `(${start}::timestamptz at time zone (select time_zone from accounts where id = account_id))::date`;
const WEEK_START = (start: string) =>
  `date_trunc('week', ${start}::timestamptz at time zone (select time_zone from accounts where id = account_id))::date`;

/**
 * SQL for time entries (RLS: the caller's tenant transaction). Overlaps and a second
 * running timer are refused by the database itself (exclusion constraint, partial unique
 * index, both across tenants), so concurrent requests on several replicas cannot both win.
 */
@Injectable()
export class TimeEntriesRepository {
  async insert(
    manager: TenantManager,
    e: {
      id: string;
      accountId: string;
      workspaceId: string;
      userId: string;
      startedAt: string | Date;
      endedAt: string | Date | null;
      note: string | null;
      taskId: string | null;
      milestoneId: string | null;
      source: 'manual' | 'timer';
      now: Date;
    },
  ): Promise<TimeEntryRow> {
    // A starting timer spans [now, ∞): only another running timer of the user can overlap it.
    return this.refusingConflicts(e.endedAt === null, async () => {
      const [row] = await manager.query(
        `insert into time_entries (id, account_id, workspace_id, user_id, started_at, ended_at, local_day, week_start, note, task_id, milestone_id,
           source, created_at, updated_at)
         select $1, $2::uuid, $3, $4, $5::timestamptz, $6::timestamptz,
           case when $6::timestamptz is null then null else (($5::timestamptz at time zone a.time_zone)::date) end,
           case when $6::timestamptz is null then null else date_trunc('week', $5::timestamptz at time zone a.time_zone)::date end,
           $7, $8, $9, $10, $11, $11
         from accounts a where a.id = $2::uuid
         returning ${COLUMNS}`,
        [e.id, e.accountId, e.workspaceId, e.userId, e.startedAt, e.endedAt, e.note, e.taskId, e.milestoneId, e.source, e.now],
      );
      return row;
    });
  }

  async find(manager: TenantManager, workspaceId: string, entryId: string, lock = false): Promise<TimeEntryRow | null> {
    const [row] = await manager.query(
      `select ${COLUMNS} from time_entries where workspace_id = $1 and id = $2 and ended_at is not null ${lock ? 'for update' : ''}`,
      [workspaceId, entryId],
    );
    return row ?? null;
  }

  /** The user's running timer in this workspace (a timer elsewhere is another tenant's). */
  async runningTimer(manager: TenantManager, workspaceId: string, userId: string, lock = false): Promise<TimeEntryRow | null> {
    const [row] = await manager.query(
      `select ${COLUMNS} from time_entries where workspace_id = $1 and user_id = $2 and ended_at is null ${lock ? 'for update' : ''}`,
      [workspaceId, userId],
    );
    return row ?? null;
  }

  async list(
    manager: TenantManager,
    workspaceId: string,
    q: { limit: number; before?: string; userId?: string; from?: string; to?: string },
  ): Promise<{ rows: TimeEntryRow[]; nextBefore: string | null }> {
    const rows: TimeEntryRow[] = await manager.query(
      `select ${COLUMNS} from time_entries
        where workspace_id = $1 and ended_at is not null and ($2::bigint is null or seq < $2::bigint)
          and ($3::uuid is null or user_id = $3) and ($4::timestamptz is null or started_at >= $4) and ($5::timestamptz is null or started_at < $5)
        order by seq desc limit $6`,
      [workspaceId, q.before ?? null, q.userId ?? null, q.from ?? null, q.to ?? null, q.limit + 1],
    );
    const page = rows.slice(0, q.limit);
    return { rows: page, nextBefore: rows.length > q.limit ? page[page.length - 1].seq : null };
  }

  /** Moves an entry (or ends the running timer): its day and week follow its start. */
  async update(
    manager: TenantManager,
    entryId: string,
    f: { startedAt: Date; endedAt: Date; note: string | null; taskId: string | null; milestoneId: string | null },
    now: Date,
  ): Promise<TimeEntryRow> {
    return this.refusingConflicts(false, async () => {
      const [[row]] = await manager.query(
        `update time_entries set started_at = $2, ended_at = $3, local_day = ${LOCAL_DAY('$2')}, week_start = ${WEEK_START('$2')},
           note = $4, task_id = $5, milestone_id = $6, version = version + 1, updated_at = $7
         where id = $1 returning ${COLUMNS}`,
        [entryId, f.startedAt, f.endedAt, f.note, f.taskId, f.milestoneId, now],
      );
      return row;
    });
  }

  async remove(manager: TenantManager, entryId: string): Promise<void> {
    await manager.query(`delete from time_entries where id = $1`, [entryId]);
  }

  /** Whether the week is closed in this workspace (its entries locked for the client's review and billing). */
  async weekLocked(manager: TenantManager, workspaceId: string, weekStart: string): Promise<boolean> {
    const [row] = await manager.query(
      `select 1 from time_weeks where workspace_id = $1 and week_start = $2::date
       union all
       select 1 from time_entries where workspace_id = $1 and week_start = $2::date and locked_at is not null limit 1`,
      [workspaceId, weekStart],
    );
    return !!row;
  }

  /**
   * The local day and week an instant falls in, for the account's time zone. Share-locks the
   * account row, so the time zone cannot change until this entry write commits.
   */
  async localWeek(manager: TenantManager, accountId: string, at: Date | string): Promise<{ day: string; weekStart: string }> {
    const [row] = await manager.query(
      `select (($2::timestamptz at time zone time_zone)::date)::text as day,
              (date_trunc('week', $2::timestamptz at time zone time_zone)::date)::text as week_start
         from accounts where id = $1 for share`,
      [accountId, at],
    );
    return { day: row.day, weekStart: row.week_start };
  }

  async hasAny(manager: TenantManager, accountId: string): Promise<boolean> {
    const [row] = await manager.query(`select 1 from time_entries where account_id = $1 limit 1`, [accountId]);
    return !!row;
  }

  async taskExists(manager: TenantManager, workspaceId: string, taskId: string): Promise<boolean> {
    const [row] = await manager.query(`select 1 from tasks where workspace_id = $1 and id = $2`, [workspaceId, taskId]);
    return !!row;
  }

  async milestoneExists(manager: TenantManager, workspaceId: string, milestoneId: string): Promise<boolean> {
    const [row] = await manager.query(`select 1 from milestones where workspace_id = $1 and id = $2`, [workspaceId, milestoneId]);
    return !!row;
  }

  private async refusingConflicts<T>(startingTimer: boolean, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isExclusionViolation(error, 'time_entries_no_overlap'))
        throw startingTimer ? TimeTrackingError.timerAlreadyRunning() : TimeTrackingError.overlaps();
      if (isUniqueViolation(error, 'time_entries_one_running_timer')) throw TimeTrackingError.timerAlreadyRunning();
      throw error;
    }
  }
}
