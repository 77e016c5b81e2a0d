import { Injectable } from '@nestjs/common';
import type { WorkspaceUsageView } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';

/** The counts plan limits are about, for one account (its tenant transaction). */
@Injectable()
export class AccountUsageRepository {
  async usage(manager: TenantManager, accountId: string, now: Date): Promise<WorkspaceUsageView> {
    const [row]: Array<{ workspaces: string; max_members: string | null; proposed: string }> = await manager.query(
      `select
         (select count(*) from workspaces where account_id = $1) as workspaces,
         (select max(n) from (select count(*) as n from workspace_members where account_id = $1 group by workspace_id) m) as max_members,
         (select count(distinct target_id) from activity_log
           where account_id = $1 and action = 'milestone.status_changed' and after ->> 'command' = 'propose'
             and created_at >= date_trunc('month', $2::timestamptz at time zone 'UTC') at time zone 'UTC') as proposed`,
      [accountId, now],
    );
    return {
      activeWorkspaces: Number(row.workspaces),
      maxMembersInWorkspace: Number(row.max_members ?? 0),
      milestonesProposedThisMonth: Number(row.proposed),
    };
  }
}
