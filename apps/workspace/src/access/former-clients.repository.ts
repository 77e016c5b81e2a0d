import { Injectable } from '@nestjs/common';
import { PAID_FOR_SQL } from '../members/client-money-predicates';
import type { TenantManager } from '@fpms/database/tenant-manager';

/**
 * A client admin who leaves keeps a read-only view of the milestones the client paid for
 * while they were one (one row per milestone and former client admin). These rows are
 * read only when the caller is not a member: a current member's access is their role's.
 */
@Injectable()
export class FormerClientsRepository {
  /** In the workspace's tenant transaction: records the paid milestones for a client admin who is leaving that role. */
  async record(manager: TenantManager, scope: { accountId: string; workspaceId: string }, userId: string): Promise<void> {
    await manager.query(
      `insert into former_client_grants (workspace_id, account_id, milestone_id, user_id)
       select m.workspace_id, m.account_id, m.id, $3 from milestones m where m.workspace_id = $1 and m.account_id = $2 and ${PAID_FOR_SQL}
       on conflict (milestone_id, user_id) do nothing`,
      [scope.workspaceId, scope.accountId, userId],
    );
  }

  /** Before any tenant is set (the user reads only their own grants): the tenant of the workspace they hold grants in. */
  async accountOf(manager: TenantManager, workspaceId: string, userId: string): Promise<string | null> {
    const [row] = await manager.query(`select account_id from former_client_grants where workspace_id = $1 and user_id = $2 limit 1`, [
      workspaceId,
      userId,
    ]);
    return row?.account_id ?? null;
  }

  /** In the tenant transaction: is this milestone one the user paid for (and still paid)? */
  async coversMilestone(manager: TenantManager, workspaceId: string, userId: string, milestoneId: string): Promise<boolean> {
    const rows = await manager.query(
      `select 1 from former_client_grants g join milestones m on m.id = g.milestone_id
        where g.workspace_id = $1 and g.user_id = $2 and g.milestone_id = $3 and ${PAID_FOR_SQL}`,
      [workspaceId, userId, milestoneId],
    );
    return rows.length > 0;
  }

  /** In the tenant transaction: is this file version the deliverable of a milestone the user paid for? */
  async coversFileVersion(manager: TenantManager, workspaceId: string, userId: string, fileVersionId: string): Promise<boolean> {
    const rows = await manager.query(
      `select 1 from former_client_grants g join milestones m on m.id = g.milestone_id
        where g.workspace_id = $1 and g.user_id = $2 and m.deliverable_file_version_id = $3 and ${PAID_FOR_SQL}`,
      [workspaceId, userId, fileVersionId],
    );
    return rows.length > 0;
  }
}
