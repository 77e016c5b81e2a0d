import { Injectable } from '@nestjs/common';
import type { TenantManager } from '@fpms/database/tenant-manager';

export interface TimerRow {
  milestone_id: string;
  account_id: string;
  workspace_id: string;
  due_at: Date;
  next_reminder_at: Date | null;
  paused_at: Date | null;
}

/** SQL for review timers, in the caller's tenant transaction; claiming across tenants is `ReviewTimerClaimsRepository`. */
@Injectable()
export class ReviewTimersRepository {
  /** Starts (or, on resubmission, restarts) the review window. */
  async start(
    manager: TenantManager,
    t: { milestoneId: string; accountId: string; workspaceId: string; dueAt: Date; nextReminderAt: Date | null },
  ): Promise<void> {
    await manager.query(
      `insert into milestone_review_timers (milestone_id, account_id, workspace_id, due_at, next_reminder_at)
       values ($1, $2, $3, $4, $5)
       on conflict (milestone_id) do update set due_at = excluded.due_at, next_reminder_at = excluded.next_reminder_at, paused_at = null, claimed_until = null`,
      [t.milestoneId, t.accountId, t.workspaceId, t.dueAt, t.nextReminderAt],
    );
  }

  async find(manager: TenantManager, milestoneId: string, lock = false): Promise<TimerRow | null> {
    const [row] = await manager.query(
      `select milestone_id, account_id, workspace_id, due_at, next_reminder_at, paused_at from milestone_review_timers where milestone_id = $1 ${lock ? 'for update' : ''}`,
      [milestoneId],
    );
    return row ?? null;
  }

  async pause(manager: TenantManager, milestoneId: string, now: Date): Promise<void> {
    await manager.query(`update milestone_review_timers set paused_at = $2 where milestone_id = $1 and paused_at is null`, [
      milestoneId,
      now,
    ]);
  }

  /** Resumes a paused timer with the time it had left: the dispute's duration does not count. */
  async resume(manager: TenantManager, milestoneId: string, now: Date): Promise<void> {
    await manager.query(
      `update milestone_review_timers
          set due_at = due_at + ($2::timestamptz - paused_at),
              next_reminder_at = next_reminder_at + ($2::timestamptz - paused_at),
              paused_at = null, claimed_until = null
        where milestone_id = $1 and paused_at is not null`,
      [milestoneId, now],
    );
  }

  async reminded(manager: TenantManager, milestoneId: string, nextReminderAt: Date | null): Promise<void> {
    await manager.query(`update milestone_review_timers set next_reminder_at = $2, claimed_until = null where milestone_id = $1`, [
      milestoneId,
      nextReminderAt,
    ]);
  }

  async release(manager: TenantManager, milestoneId: string): Promise<void> {
    await manager.query(`update milestone_review_timers set claimed_until = null where milestone_id = $1`, [milestoneId]);
  }

  async remove(manager: TenantManager, milestoneId: string): Promise<void> {
    await manager.query(`delete from milestone_review_timers where milestone_id = $1`, [milestoneId]);
  }
}
