import { Injectable } from '@nestjs/common';
import { AudienceMember, WorkspaceRole } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';

/** messaging's projection of workspace membership (workspace.member.* events); RLS scopes it to the event's tenant. */
@Injectable()
export class NotificationMembersRepository {
  async upsert(manager: TenantManager, accountId: string, workspaceId: string, userId: string, role: WorkspaceRole): Promise<void> {
    await manager.query(
      `insert into notification_members (account_id, workspace_id, user_id, role) values ($1, $2, $3, $4)
       on conflict (workspace_id, user_id) do update set role = excluded.role, updated_at = now()`,
      [accountId, workspaceId, userId, role],
    );
  }

  async remove(manager: TenantManager, workspaceId: string, userId: string): Promise<void> {
    await manager.query(`delete from notification_members where workspace_id = $1 and user_id = $2`, [workspaceId, userId]);
  }

  async list(manager: TenantManager, workspaceId: string): Promise<AudienceMember[]> {
    const rows: { user_id: string; role: WorkspaceRole }[] = await manager.query(
      `select user_id, role from notification_members where workspace_id = $1`,
      [workspaceId],
    );
    return rows.map((r) => ({ userId: r.user_id, role: r.role }));
  }
}
