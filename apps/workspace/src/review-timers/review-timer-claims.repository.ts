import { Injectable } from '@nestjs/common';
import { writeQuery } from '@fpms/database/write-query';
import type { SystemManager } from '@fpms/database/tenant-manager';
import { TimerRow } from './review-timers.repository';

/** The review-timer poller's claim: cross-tenant by nature, so it takes the system pool's manager. */
@Injectable()
export class ReviewTimerClaimsRepository {
  /**
   * Claims timers with work due, across every tenant, on the system (BYPASSRLS) pool: a
   * short lease (`claimed_until`) taken under FOR UPDATE SKIP LOCKED, so with several
   * replicas each timer is handled by one of them; a replica that dies mid-work leaves a
   * lease that simply expires.
   */
  async claimDue(manager: SystemManager, now: Date, leaseMs: number, limit: number): Promise<TimerRow[]> {
    const { rows } = await writeQuery<TimerRow>(
      manager,
      `update milestone_review_timers t
          set claimed_until = $2
        where t.milestone_id in (
              select milestone_id from milestone_review_timers
               where paused_at is null and wake_at <= $1 and (claimed_until is null or claimed_until < $1)
               order by wake_at
               limit $3
               for update skip locked)
      returning t.milestone_id, t.account_id, t.workspace_id, t.due_at, t.next_reminder_at, t.paused_at`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows;
  }
}
