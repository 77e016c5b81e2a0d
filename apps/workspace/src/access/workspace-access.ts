import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { can, WorkspaceAction, WorkspaceRole } from '@fpms/auth/permissions';
import { setTenantContext } from '@fpms/database/tenant-context';
import { AccessError } from './access.errors';
import { Actor } from './actor';

export interface WorkspaceScope {
  accountId: string;
  workspaceId: string;
  role: WorkspaceRole;
}

/**
 * The gate of every workspace-scoped operation, inside one transaction on the runtime
 * (RLS) connection: find the caller's membership (a user can read only their own
 * membership rows), 404 if there is none, 403 if the role may not do the action, then
 * scope the transaction to that workspace's tenant. Membership is read on every call,
 * so removing a member takes effect at once, for reads and writes alike.
 */
@Injectable()
export class WorkspaceAccess {
  constructor(@InjectDataSource() private readonly runtime: DataSource) {}

  run<T>(actor: Actor, workspaceId: string, action: WorkspaceAction, work: (manager: EntityManager, scope: WorkspaceScope) => Promise<T>): Promise<T> {
    return this.runtime.transaction(async (manager) => {
      await setTenantContext(manager, { userId: actor.userId });
      const [found] = await manager.query(`select account_id from workspace_members where workspace_id = $1 and user_id = $2`, [
        workspaceId,
        actor.userId,
      ]);
      if (!found) throw AccessError.workspaceNotFound(workspaceId);
      await setTenantContext(manager, { accountId: found.account_id, workspaceId, userId: actor.userId });
      // Re-read under the tenant with a share lock: a concurrent removal or role change
      // waits for this unit of work, or this one sees its result.
      const [membership] = await manager.query(`select role from workspace_members where workspace_id = $1 and user_id = $2 for share`, [
        workspaceId,
        actor.userId,
      ]);
      if (!membership) throw AccessError.workspaceNotFound(workspaceId);
      const scope: WorkspaceScope = { accountId: found.account_id, workspaceId, role: membership.role };
      if (!can(scope.role, action)) throw AccessError.actionForbidden(action, scope.role);
      return work(manager, scope);
    });
  }
}
