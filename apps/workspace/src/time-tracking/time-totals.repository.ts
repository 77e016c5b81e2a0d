import { Injectable } from '@nestjs/common';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { durationSeconds, EndedEntry } from './time-entries.repository';

export interface TotalsRow {
  user_id: string;
  day: string;
  task_id: string | null;
  milestone_id: string | null;
  seconds: string;
  entries: number;
}

/**
 * The timesheets' read model: seconds and entry counts per workspace, user, local day, task
 * and milestone. Every entry write applies its delta here in the same transaction (an edit
 * is the old entry out and the new one in), so a week's totals are read from at most
 * members × 7 × tasks rows instead of scanning its entries.
 */
@Injectable()
export class TimeTotalsRepository {
  async add(manager: TenantManager, e: EndedEntry): Promise<void> {
    await manager.query(
      `insert into time_totals (account_id, workspace_id, user_id, day, week_start, task_id, milestone_id, seconds, entries)
       values ($1, $2, $3, $4::date, $5::date, $6, $7, $8, 1)
       on conflict on constraint time_totals_key
       do update set seconds = time_totals.seconds + excluded.seconds, entries = time_totals.entries + 1`,
      [e.account_id, e.workspace_id, e.user_id, e.local_day, e.week_start, e.task_id, e.milestone_id, durationSeconds(e)],
    );
  }

  /** Takes an entry out again (its row exists: the entry was added to it); an emptied row goes. */
  async subtract(manager: TenantManager, e: EndedEntry): Promise<void> {
    const key = `workspace_id = $1 and user_id = $2 and day = $3::date and task_id is not distinct from $4 and milestone_id is not distinct from $5`;
    const params = [e.workspace_id, e.user_id, e.local_day, e.task_id, e.milestone_id];
    await manager.query(`update time_totals set seconds = seconds - $6, entries = entries - 1 where ${key}`, [
      ...params,
      durationSeconds(e),
    ]);
    await manager.query(`delete from time_totals where ${key} and entries = 0`, params);
  }

  /** The week's rows, optionally one member's. */
  week(manager: TenantManager, workspaceId: string, weekStart: string, userId?: string): Promise<TotalsRow[]> {
    return manager.query(
      `select user_id, day::text, task_id, milestone_id, seconds::text, entries from time_totals
        where workspace_id = $1 and week_start = $2::date and ($3::uuid is null or user_id = $3)
        order by day, user_id`,
      [workspaceId, weekStart, userId ?? null],
    );
  }

  /** Seconds logged in the workspace that week, all members (what a weekly cap bounds). */
  async weekSeconds(manager: TenantManager, workspaceId: string, weekStart: string): Promise<number> {
    const [row] = await manager.query(
      `select coalesce(sum(seconds), 0)::text as seconds from time_totals where workspace_id = $1 and week_start = $2::date`,
      [workspaceId, weekStart],
    );
    return Number(row.seconds);
  }
}
