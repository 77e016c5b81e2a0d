import { Injectable } from '@nestjs/common';
import { CLIENT_SIDE_ROLES, FREELANCER_SIDE_ROLES, WorkspaceRole } from '@fpms/auth/permissions';
import { MemberView } from '@fpms/contracts';
import { isUniqueViolation } from '@fpms/database/postgres-errors';
import { preparedQuery } from '@fpms/database/prepared-query';
import { AWAITING_CLIENT_DECISION_SQL } from './client-money-predicates';
import type { TenantManager } from '@fpms/database/tenant-manager';

interface MemberRow {
  user_id: string;
  email: string;
  role: WorkspaceRole;
  created_at: Date;
}

const toView = (r: MemberRow): MemberView => ({
  userId: r.user_id,
  email: r.email,
  role: r.role,
  joinedAt: new Date(r.created_at).toISOString(),
});

/** SQL for workspace memberships; callers hold a workspace-scoped transaction. */
@Injectable()
export class MembersRepository {
  /** Adds the member; false if the user already is one (the primary key says so). */
  async add(
    manager: TenantManager,
    member: { workspaceId: string; accountId: string; userId: string; role: WorkspaceRole; email: string },
  ): Promise<boolean> {
    try {
      await manager.query(`savepoint add_member`);
      await manager.query(`insert into workspace_members (workspace_id, account_id, user_id, role, email) values ($1, $2, $3, $4, $5)`, [
        member.workspaceId,
        member.accountId,
        member.userId,
        member.role,
        member.email,
      ]);
      await manager.query(`release savepoint add_member`);
      return true;
    } catch (error) {
      if (!isUniqueViolation(error, 'workspace_members_pkey')) throw error;
      await manager.query(`rollback to savepoint add_member`);
      return false;
    }
  }

  /**
   * The caller's own membership, and the transaction scoped to it, in one round trip
   * (`enter_workspace`, migration 1733100000000): called before any tenant is set, it reads
   * the membership through the SELECT-only policy on the user's own rows; if there is one,
   * it sets the tenant to that account and workspace, locks the membership sequence first
   * when asked (as lockSequence does), and re-reads the role under the tenant with a share
   * lock, so a concurrent removal or role change waits for the caller's unit of work, or the
   * caller sees its result. null: not a member (context unchanged); role null: removed
   * between the two reads.
   */
  async enterOwnMembership(
    manager: TenantManager,
    workspaceId: string,
    userId: string,
    serializeMembership: boolean,
  ): Promise<{ accountId: string; role: WorkspaceRole | null } | null> {
    // On every workspace-scoped request: prepared once per connection.
    const [row] = await preparedQuery<{ member_account_id: string; member_role: WorkspaceRole | null }>(
      manager,
      `select member_account_id, member_role from enter_workspace($1, $2, $3)`,
      [workspaceId, userId, serializeMembership],
    );
    return row ? { accountId: row.member_account_id, role: row.member_role ?? null } : null;
  }

  async list(manager: TenantManager, workspaceId: string): Promise<MemberView[]> {
    const rows: MemberRow[] = await manager.query(
      `select user_id, email, role, created_at from workspace_members where workspace_id = $1 order by created_at, user_id`,
      [workspaceId],
    );
    return rows.map(toView);
  }

  async find(manager: TenantManager, workspaceId: string, userId: string): Promise<MemberView | null> {
    const [row]: MemberRow[] = await manager.query(
      `select user_id, email, role, created_at from workspace_members where workspace_id = $1 and user_id = $2 for update`,
      [workspaceId, userId],
    );
    return row ? toView(row) : null;
  }

  async setRole(manager: TenantManager, workspaceId: string, userId: string, role: WorkspaceRole): Promise<void> {
    await manager.query(`update workspace_members set role = $3 where workspace_id = $1 and user_id = $2`, [workspaceId, userId, role]);
  }

  async remove(manager: TenantManager, workspaceId: string, userId: string): Promise<void> {
    await manager.query(`delete from workspace_members where workspace_id = $1 and user_id = $2`, [workspaceId, userId]);
  }

  /**
   * Creates (if need be) and locks the workspace's membership sequence row. Every
   * membership change takes this lock first, so changes to one workspace's members run
   * one at a time and each check ("is there still a client admin?") sees the last one.
   */
  async lockSequence(manager: TenantManager, scope: { accountId: string; workspaceId: string }): Promise<void> {
    await manager.query(
      `insert into workspace_membership_versions (workspace_id, account_id) values ($1, $2) on conflict (workspace_id) do nothing`,
      [scope.workspaceId, scope.accountId],
    );
    await manager.query(`select version from workspace_membership_versions where workspace_id = $1 for update`, [scope.workspaceId]);
  }

  /** The next membership event version of the workspace: strictly increasing, whoever joins or leaves. */
  async nextVersion(manager: TenantManager, scope: { accountId: string; workspaceId: string }): Promise<number> {
    const [row] = await manager.query(
      `insert into workspace_membership_versions as v (workspace_id, account_id, version) values ($1, $2, 1)
       on conflict (workspace_id) do update set version = v.version + 1 returning version`,
      [scope.workspaceId, scope.accountId],
    );
    return Number(row.version);
  }

  async countClientAdmins(manager: TenantManager, workspaceId: string, exceptUserId?: string): Promise<number> {
    const [row] = await manager.query(
      `select count(*)::int as n from workspace_members where workspace_id = $1 and role = 'client_admin' and user_id is distinct from $2`,
      [workspaceId, exceptUserId ?? null],
    );
    return row.n;
  }

  /**
   * The user's roles on each side across the account's workspaces. A user reads their own
   * memberships in every tenant (RLS), so this sees beyond the current workspace.
   */
  async sidesInAccount(manager: TenantManager, accountId: string, userId: string): Promise<{ freelancer: boolean; client: boolean }> {
    const [row] = await manager.query(
      `select bool_or(role = any($3::text[])) as freelancer, bool_or(role = any($4::text[])) as client
         from workspace_members where account_id = $1 and user_id = $2`,
      [accountId, userId, FREELANCER_SIDE_ROLES, CLIENT_SIDE_ROLES],
    );
    return { freelancer: row?.freelancer === true, client: row?.client === true };
  }

  /** Does the workspace hold money that only a client admin's decision (or a dispute's end) moves on? */
  async hasMoneyAwaitingClient(manager: TenantManager, workspaceId: string): Promise<boolean> {
    const rows = await manager.query(`select 1 from milestones m where m.workspace_id = $1 and ${AWAITING_CLIENT_DECISION_SQL} limit 1`, [
      workspaceId,
    ]);
    return rows.length > 0;
  }
}
