import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { WorkspaceAction, WorkspaceRole } from '@fpms/auth/permissions';
import { MemberChangedData, MemberView, WorkspaceEvents } from '@fpms/contracts';
import { OutboxWriter } from '@fpms/messaging';
import { Actor } from '../access/actor';
import { WorkspaceAccess, WorkspaceScope } from '../access/workspace-access';
import { ActivityRecorder } from '../activity/activity-recorder';
import { MemberError } from './member.errors';
import { MembersRepository } from './members.repository';

@Injectable()
export class MembersService {
  constructor(
    private readonly access: WorkspaceAccess,
    private readonly members: MembersRepository,
    private readonly activity: ActivityRecorder,
    private readonly outbox: OutboxWriter,
  ) {}

  list(actor: Actor, workspaceId: string): Promise<{ items: MemberView[] }> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ReadMembers, async (manager) => ({
      items: await this.members.list(manager, workspaceId),
    }));
  }

  changeRole(actor: Actor, workspaceId: string, userId: string, role: WorkspaceRole): Promise<MemberView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ManageMembers, async (manager, scope) => {
      const member = await this.requireChangeable(manager, workspaceId, userId);
      if (member.role === role) return member;
      await this.members.setRole(manager, workspaceId, userId, role);
      await this.recordChange(manager, actor, scope, 'member.role_changed', WorkspaceEvents.memberRoleChanged, userId, member.role, role);
      return { ...member, role };
    });
  }

  remove(actor: Actor, workspaceId: string, userId: string): Promise<{ removed: true }> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ManageMembers, async (manager, scope) => {
      const member = await this.requireChangeable(manager, workspaceId, userId);
      await this.members.remove(manager, workspaceId, userId);
      await this.recordChange(manager, actor, scope, 'member.removed', WorkspaceEvents.memberRemoved, userId, member.role, null);
      return { removed: true as const };
    });
  }

  /** Records a membership change in the activity log and publishes it, in the caller's transaction. */
  async recordChange(
    manager: EntityManager,
    actor: Actor,
    scope: Pick<WorkspaceScope, 'accountId' | 'workspaceId'>,
    action: string,
    eventType: string,
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
    await this.outbox.add<MemberChangedData>(manager, {
      type: eventType,
      tenant: { accountId: scope.accountId, workspaceId: scope.workspaceId },
      aggregateId: `${scope.workspaceId}:${userId}`,
      // Memberships keep no version column; the change time orders them for projections.
      aggregateVersion: Date.now(),
      requestId: actor.requestId,
      data: { workspaceId: scope.workspaceId, userId, role, previousRole },
    });
  }

  private async requireChangeable(manager: EntityManager, workspaceId: string, userId: string): Promise<MemberView> {
    const member = await this.members.find(manager, workspaceId, userId);
    if (!member) throw MemberError.memberNotFound(userId);
    if (member.role === 'owner') throw MemberError.ownerIsPermanent();
    return member;
  }
}
