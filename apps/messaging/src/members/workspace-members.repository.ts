import { Injectable } from '@nestjs/common';
import type { AudienceMember, WorkspaceRole } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';

export type MemberSide = 'freelancer' | 'client';

/**
 * The workspace's members as messaging knows them (from workspace.member.* events): whose
 * unread counters a message bumps, who may be mentioned, and the audiences notifications
 * are resolved from, in the consumer's own transaction. Access itself is asked live from the
 * workspace service. Each change applies only if its membership version is newer than the row's.
 */
@Injectable()
export class WorkspaceMembersRepository {
  /** Serialises changes to a workspace's threads and members until the transaction ends. */
  async lockWorkspace(manager: TenantManager, workspaceId: string): Promise<void> {
    await manager.query(`select pg_advisory_xact_lock(hashtext('messaging.thread_members'), hashtext($1))`, [workspaceId]);
  }

  /** True if the change applied (it was newer than what the row holds). */
  async upsert(
    manager: TenantManager,
    input: { accountId: string; workspaceId: string; userId: string; role: string; side: MemberSide; version: number },
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `insert into thread_members (workspace_id, user_id, account_id, role, side, membership_version, removed_at)
       values ($1, $2, $3, $4, $5, $6, null)
       on conflict (workspace_id, user_id) do update
         set role = excluded.role, side = excluded.side, membership_version = excluded.membership_version, removed_at = null
         where thread_members.membership_version < excluded.membership_version
       returning user_id`,
      [input.workspaceId, input.userId, input.accountId, input.role, input.side, input.version],
    );
    return rows.length > 0;
  }

  /** The current members with their roles: a notification's audience. */
  async list(manager: TenantManager, workspaceId: string): Promise<AudienceMember[]> {
    const rows: Array<{ user_id: string; role: WorkspaceRole }> = await manager.query(
      `select user_id, role from thread_members where workspace_id = $1 and removed_at is null order by user_id`,
      [workspaceId],
    );
    return rows.map((r) => ({ userId: r.user_id, role: r.role }));
  }

  /** Of `userIds`, those who are current members (on `side`, when given). */
  async currentMembers(manager: TenantManager, workspaceId: string, userIds: string[], side?: MemberSide): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows: Array<{ user_id: string }> = await manager.query(
      `select user_id from thread_members
        where workspace_id = $1 and user_id = any($2::uuid[]) and removed_at is null and ($3::text is null or side = $3)`,
      [workspaceId, userIds, side ?? null],
    );
    return new Set(rows.map((r) => r.user_id));
  }

  async markRemoved(
    manager: TenantManager,
    input: { accountId: string; workspaceId: string; userId: string; version: number; now: Date },
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `insert into thread_members (workspace_id, user_id, account_id, role, side, membership_version, removed_at)
       values ($1, $2, $3, 'removed', 'client', $4, $5)
       on conflict (workspace_id, user_id) do update
         set membership_version = excluded.membership_version, removed_at = excluded.removed_at
         where thread_members.membership_version < excluded.membership_version
       returning user_id`,
      [input.workspaceId, input.userId, input.accountId, input.version, input.now],
    );
    return rows.length > 0;
  }
}
