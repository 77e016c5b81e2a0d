import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { WorkspaceRole } from '@fpms/auth/permissions';
import { MemberView } from '@fpms/contracts';
import { isUniqueViolation } from '@fpms/database/postgres-errors';

interface MemberRow {
  user_id: string;
  email: string;
  role: WorkspaceRole;
  created_at: Date;
}

const toView = (r: MemberRow): MemberView => ({ userId: r.user_id, email: r.email, role: r.role, joinedAt: new Date(r.created_at).toISOString() });

/** SQL for workspace memberships; callers hold a workspace-scoped transaction. */
@Injectable()
export class MembersRepository {
  /** Adds the member; false if the user already is one (the primary key says so). */
  async add(manager: EntityManager, member: { workspaceId: string; accountId: string; userId: string; role: WorkspaceRole; email: string }): Promise<boolean> {
    try {
      await manager.query(`savepoint add_member`);
      await manager.query(
        `insert into workspace_members (workspace_id, account_id, user_id, role, email) values ($1, $2, $3, $4, $5)`,
        [member.workspaceId, member.accountId, member.userId, member.role, member.email],
      );
      await manager.query(`release savepoint add_member`);
      return true;
    } catch (error) {
      if (!isUniqueViolation(error, 'workspace_members_pkey')) throw error;
      await manager.query(`rollback to savepoint add_member`);
      return false;
    }
  }

  async list(manager: EntityManager, workspaceId: string): Promise<MemberView[]> {
    const rows: MemberRow[] = await manager.query(
      `select user_id, email, role, created_at from workspace_members where workspace_id = $1 order by created_at, user_id`,
      [workspaceId],
    );
    return rows.map(toView);
  }

  async find(manager: EntityManager, workspaceId: string, userId: string): Promise<MemberView | null> {
    const [row]: MemberRow[] = await manager.query(
      `select user_id, email, role, created_at from workspace_members where workspace_id = $1 and user_id = $2 for update`,
      [workspaceId, userId],
    );
    return row ? toView(row) : null;
  }

  async setRole(manager: EntityManager, workspaceId: string, userId: string, role: WorkspaceRole): Promise<void> {
    await manager.query(`update workspace_members set role = $3 where workspace_id = $1 and user_id = $2`, [workspaceId, userId, role]);
  }

  async remove(manager: EntityManager, workspaceId: string, userId: string): Promise<void> {
    await manager.query(`delete from workspace_members where workspace_id = $1 and user_id = $2`, [workspaceId, userId]);
  }
}
