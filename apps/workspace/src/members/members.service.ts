import { Injectable } from '@nestjs/common';
import { manageSideAction, sideOf, WorkspaceAction, WorkspaceRole } from '@fpms/auth/permissions';
import { MemberEventType, MemberView, WorkspaceEvents } from '@fpms/contracts';
import { OutboxWriter } from '@fpms/messaging';
import { Actor } from '../access/actor';
import { FormerClientsRepository } from '../access/former-clients.repository';
import { scopeCan, WorkspaceAccess, WorkspaceScope } from '../access/workspace-access';
import { ActivityLogRepository } from '../activity/activity-log.repository';
import { MemberError } from './member.errors';
import { MembersRepository } from './members.repository';
import type { TenantManager } from '@fpms/database/tenant-manager';

@Injectable()
export class MembersService {
  constructor(
    private readonly access: WorkspaceAccess,
    private readonly members: MembersRepository,
    private readonly activity: ActivityLogRepository,
    private readonly outbox: OutboxWriter,
    private readonly formerClients: FormerClientsRepository,
  ) {}

  list(actor: Actor, workspaceId: string): Promise<{ items: MemberView[] }> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ReadMembers, async (manager) => ({
      items: await this.members.list(manager, workspaceId),
    }));
  }

  /**
   * Each side manages its own roles, and nobody changes sides: the owner re-roles
   * collaborators, a client admin re-roles client admins and viewers (403 otherwise), and
   * collaborator ⇄ client roles is refused (409) whoever asks.
   */
  changeRole(actor: Actor, workspaceId: string, userId: string, role: WorkspaceRole): Promise<MemberView> {
    return this.access.run(
      actor,
      workspaceId,
      WorkspaceAction.ManageMembers,
      async (manager, scope) => {
        const member = await this.requireManageable(manager, scope, userId);
        if (sideOf(role) !== sideOf(member.role)) throw MemberError.crossesSides(member.role, role);
        if (member.role === role) return member;
        if (member.role === 'client_admin') await this.clientAdminLeaving(manager, scope, userId);
        await this.members.setRole(manager, workspaceId, userId, role);
        await this.recordChange(manager, actor, scope, 'member.role_changed', WorkspaceEvents.memberRoleChanged, userId, member.role, role);
        return { ...member, role };
      },
      { serializeMembership: true },
    );
  }

  remove(actor: Actor, workspaceId: string, userId: string): Promise<{ removed: true }> {
    return this.access.run(
      actor,
      workspaceId,
      WorkspaceAction.ManageMembers,
      async (manager, scope) => {
        const member = await this.requireManageable(manager, scope, userId);
        if (member.role === 'client_admin') await this.clientAdminLeaving(manager, scope, userId);
        await this.members.remove(manager, workspaceId, userId);
        await this.recordChange(manager, actor, scope, 'member.removed', WorkspaceEvents.memberRemoved, userId, member.role, null);
        return { removed: true as const };
      },
      { serializeMembership: true },
    );
  }

  /** Records a membership change in the activity log and publishes it, in the caller's transaction. */
  async recordChange(
    manager: TenantManager,
    actor: Actor,
    scope: Pick<WorkspaceScope, 'accountId' | 'workspaceId'>,
    action: string,
    eventType: MemberEventType,
    userId: string,
    previousRole: WorkspaceRole | null,
    role: WorkspaceRole | null,
  ): Promise<void> {
    await this.activity.record(manager, {
      accountId: scope.accountId,
      workspaceId: scope.workspaceId,
      actorUserId: actor.userId,
      action,
      targetType: 'member',
      targetId: userId,
      before: previousRole ? { role: previousRole } : undefined,
      after: role ? { role } : undefined,
      requestId: actor.requestId,
    });
    await this.outbox.add(manager, {
      type: eventType,
      tenant: { accountId: scope.accountId, workspaceId: scope.workspaceId },
      aggregateId: `${scope.workspaceId}:${userId}`,
      // The workspace's membership sequence: strictly increasing, also across a removal and re-join.
      aggregateVersion: await this.members.nextVersion(manager, scope),
      requestId: actor.requestId,
      data: { workspaceId: scope.workspaceId, userId, role, previousRole },
    });
  }

  private async requireManageable(manager: TenantManager, scope: WorkspaceScope, userId: string): Promise<MemberView> {
    const member = await this.members.find(manager, scope.workspaceId, userId);
    if (!member) throw MemberError.memberNotFound(userId);
    if (member.role === 'owner') throw MemberError.ownerIsPermanent();
    const side = sideOf(member.role);
    if (!scopeCan(scope, manageSideAction(side))) throw MemberError.otherSidesRole(member.role, side);
    return member;
  }

  /**
   * A client admin is being removed or demoted (by themselves or another client admin).
   * Refused if they are the last one while money awaits a client decision; otherwise
   * they keep a read-only view of the milestones the client paid for.
   */
  private async clientAdminLeaving(manager: TenantManager, scope: WorkspaceScope, userId: string): Promise<void> {
    if (
      (await this.members.countClientAdmins(manager, scope.workspaceId, userId)) === 0 &&
      (await this.members.hasMoneyAwaitingClient(manager, scope.workspaceId))
    ) {
      throw MemberError.lastClientAdminWithEscrow();
    }
    await this.formerClients.record(manager, scope, userId);
  }
}
