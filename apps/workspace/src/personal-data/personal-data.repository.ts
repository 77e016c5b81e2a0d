import { Injectable } from '@nestjs/common';
import type { TenantManager } from '@fpms/database/tenant-manager';

export interface MembershipRow {
  workspaceId: string;
  accountId: string;
  workspaceName: string;
  role: string;
  email: string;
  joinedAt: string;
}

/**
 * SQL of personal-data export (issue 18 part 4) in the workspace service: per workspace,
 * only rows the user is the subject of — what they created, were assigned, approved or
 * said. Activity entries keep their action and target but not their before/after, which
 * can carry other people's data (an invitee's address, a removed member).
 */
@Injectable()
export class PersonalDataRepository {
  /** The user's own memberships, across tenants (a user-scoped transaction). */
  async membershipsOf(manager: TenantManager, userId: string): Promise<MembershipRow[]> {
    const rows: Array<Record<string, string | Date>> = await manager.query(
      `select m.workspace_id, m.account_id, w.name, m.role, m.email, m.created_at
         from workspace_members m join workspaces w on w.id = m.workspace_id
        where m.user_id = $1
        order by m.created_at, m.workspace_id`,
      [userId],
    );
    return rows.map((r) => ({
      workspaceId: r.workspace_id as string,
      accountId: r.account_id as string,
      workspaceName: r.name as string,
      role: r.role as string,
      email: r.email as string,
      joinedAt: (r.created_at as Date).toISOString(),
    }));
  }

  /** The account the user owns (freelancers), in its tenant's transaction. */
  async ownedAccount(manager: TenantManager, accountId: string, userId: string): Promise<unknown | null> {
    const [row] = await manager.query(`select id, name, created_at as "createdAt" from accounts where id = $1 and owner_user_id = $2`, [
      accountId,
      userId,
    ]);
    return row ?? null;
  }

  /** What the user is the subject of in one workspace (a workspace-scoped transaction). */
  async inWorkspace(manager: TenantManager, workspaceId: string, userId: string): Promise<Record<string, unknown[]>> {
    const q = (sql: string) => manager.query(sql, [workspaceId, userId]) as Promise<unknown[]>;
    return {
      tasks: await q(
        `select id, title, description, status, due_date as "dueDate", milestone_id as "milestoneId",
                created_by = $2 as "createdByYou", assignee_user_id = $2 as "assignedToYou", created_at as "createdAt"
           from tasks where workspace_id = $1 and (created_by = $2 or assignee_user_id = $2) order by seq`,
      ),
      milestones: await q(
        `select id, title, description, amount, currency, due_date as "dueDate", work_status as "status",
                created_by = $2 as "createdByYou", approved_by = $2::text as "approvedByYou", approved_at as "approvedAt", created_at as "createdAt"
           from milestones where workspace_id = $1 and (created_by = $2 or approved_by = $2::text) order by seq`,
      ),
      disputeEvidence: await q(
        `select id, dispute_id as "disputeId", side, statement, file_versions as "fileVersions", created_at as "createdAt"
           from milestone_dispute_evidence where workspace_id = $1 and added_by = $2 order by seq`,
      ),
      approvalDecisions: await q(
        `select id, request_id as "approvalRequestId", event, gate, reason, created_at as "createdAt"
           from approval_log where workspace_id = $1 and user_id = $2 order by created_at, id`,
      ),
      activity: await q(
        `select id, action, target_type as "targetType", target_id as "targetId", request_id as "requestId", created_at as "createdAt"
           from activity_log where workspace_id = $1 and actor_user_id = $2 order by created_at, id`,
      ),
    };
  }
}
