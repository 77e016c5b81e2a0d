import { Injectable } from '@nestjs/common';
import type { SystemManager } from '@fpms/database/tenant-manager';
import { writeQuery } from '@fpms/database/write-query';

export interface ApprovalTimerClaim {
  id: string;
  account_id: string;
  workspace_id: string;
}

/** Gates whose reminder or escalation is due, across tenants (system pool), leased like review timers. */
@Injectable()
export class CrossTenantApprovalsRepository {
  async claimDue(manager: SystemManager, now: Date, leaseMs: number, limit: number): Promise<ApprovalTimerClaim[]> {
    const { rows } = await writeQuery<ApprovalTimerClaim>(
      manager,
      `update approval_requests r set timer_claimed_until = $2
        where r.id in (
              select id from approval_requests
               where status = 'pending' and next_timer_at <= $1
                 and (timer_claimed_until is null or timer_claimed_until < $1)
               order by next_timer_at limit $3
               for update skip locked)
      returning r.id, r.account_id, r.workspace_id`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows;
  }
}
