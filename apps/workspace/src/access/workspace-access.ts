import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { can, FORMER_CLIENT_ACTIONS, sideOf, WorkspaceAction, WorkspaceRole, WorkspaceSide } from '@fpms/auth/permissions';
import { setTenantContext } from '@fpms/database/tenant-context';
import { AccessError } from './access.errors';
import { Actor } from './actor';
import { MembersRepository } from '../members/members.repository';
import { FormerClientsRepository } from './former-clients.repository';
import type { TenantManager } from '@fpms/database/tenant-manager';

/** A client admin who left, reading what the client paid for (never a member's role). */
export const FORMER_CLIENT = 'former_client' as const;

export interface WorkspaceScope {
  accountId: string;
  workspaceId: string;
  role: WorkspaceRole | typeof FORMER_CLIENT;
}

/** The one resource a former client may ask about; anything else stays 404 for them. */
export type FormerClientResource = { milestoneId: string } | { fileVersionId: string };

export interface AccessOptions {
  /**
   * Membership changes: lock the workspace's membership sequence row before the caller's
   * own membership, so two concurrent changes (two client admins removing each other)
   * run one after the other instead of deadlocking or both succeeding.
   */
  serializeMembership?: boolean;
  formerClientResource?: FormerClientResource;
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
  constructor(
    @InjectDataSource() private readonly runtime: DataSource,
    private readonly formerClients: FormerClientsRepository,
    private readonly members: MembersRepository,
  ) {}

  run<T>(
    actor: Actor,
    workspaceId: string,
    action: WorkspaceAction,
    work: (manager: TenantManager, scope: WorkspaceScope) => Promise<T>,
    options: AccessOptions = {},
  ): Promise<T> {
    return this.runtime.transaction(async (tx) => {
      // Branded by setTenantContext; every later call re-sets the context on the same transaction.
      const manager = await setTenantContext(tx, { userId: actor.userId });
      const membership = await this.members.enterOwnMembership(manager, workspaceId, actor.userId, options.serializeMembership ?? false);
      if (!membership) return work(manager, await this.asFormerClient(manager, actor, workspaceId, action, options.formerClientResource));
      // Scoped to the membership's tenant by the same statement; the role was re-read under it with a share lock.
      const { accountId, role } = membership;
      if (!role) throw AccessError.workspaceNotFound(workspaceId);
      const scope: WorkspaceScope = { accountId, workspaceId, role };
      if (!can(role, action)) throw AccessError.actionForbidden(action, role);
      return work(manager, scope);
    });
  }

  /**
   * Not a member: a former client admin may still read one milestone the client paid
   * for, or download its deliverable version. Everything else, and everyone else, 404.
   */
  private async asFormerClient(
    manager: TenantManager,
    actor: Actor,
    workspaceId: string,
    action: WorkspaceAction,
    resource: FormerClientResource | undefined,
  ): Promise<WorkspaceScope> {
    if (!resource || !FORMER_CLIENT_ACTIONS.includes(action)) throw AccessError.workspaceNotFound(workspaceId);
    const accountId = await this.formerClients.accountOf(manager, workspaceId, actor.userId);
    if (!accountId) throw AccessError.workspaceNotFound(workspaceId);
    await setTenantContext(manager, { accountId, workspaceId, userId: actor.userId });
    const covered =
      'milestoneId' in resource
        ? action === WorkspaceAction.ReadMilestones &&
          (await this.formerClients.coversMilestone(manager, workspaceId, actor.userId, resource.milestoneId))
        : action === WorkspaceAction.ReadFiles &&
          (await this.formerClients.coversFileVersion(manager, workspaceId, actor.userId, resource.fileVersionId));
    if (!covered) throw AccessError.workspaceNotFound(workspaceId);
    return { accountId, workspaceId, role: FORMER_CLIENT };
  }
}

/** May this scope do the action? A former client's scope never may anything beyond the reads it was let in for. */
export function scopeCan(scope: WorkspaceScope, action: WorkspaceAction): boolean {
  return scope.role !== FORMER_CLIENT && can(scope.role, action);
}

/** The caller's side; a former client is on the client side (though they may change nothing). */
export function scopeSide(scope: WorkspaceScope): WorkspaceSide {
  return scope.role === FORMER_CLIENT ? 'client' : sideOf(scope.role);
}
