import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { MyWorkspaceView, WorkspaceEvents } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { OutboxWriter } from '@fpms/messaging';
import { AccessError } from '../access/access.errors';
import { Actor } from '../access/actor';
import { WorkspaceAccess } from '../access/workspace-access';
import { ActivityLogRepository } from '../activity/activity-log.repository';
import { DashboardProjectionRepository } from '../dashboard/dashboard-projection.repository';
import { MembersRepository } from '../members/members.repository';
import { MembersService } from '../members/members.service';
import { WorkspacesRepository } from './workspaces.repository';
import { idempotent } from '@fpms/database/idempotency';
import { setTenantContext } from '@fpms/database/tenant-context';
import { assertNotLocked, assertWithinLimit, EntitlementsReader } from '@fpms/platform/entitlements';
import { PlanUsageRepository } from '../entitlements/plan-usage.repository';

@Injectable()
export class WorkspacesService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly access: WorkspaceAccess,
    private readonly workspaces: WorkspacesRepository,
    private readonly members: MembersRepository,
    private readonly membersService: MembersService,
    private readonly activity: ActivityLogRepository,
    private readonly outbox: OutboxWriter,
    private readonly dashboards: DashboardProjectionRepository,
    private readonly entitlements: EntitlementsReader,
    private readonly usage: PlanUsageRepository,
  ) {}

  /**
   * A freelancer opens a workspace in their own account and becomes its owner: refused
   * while the account is locked, and beyond the plan's `activeWorkspaces` (counted under a
   * per-account lock, so concurrent creations never pass it together).
   */
  create(actor: Actor, input: { name: string; clientName?: string }): Promise<MyWorkspaceView> {
    const accountId = actor.accountId;
    if (!accountId) throw AccessError.noAccount();
    const id = randomUUID();
    return this.tx.run(
      { accountId, userId: actor.userId },
      idempotent(actor, async (accountScoped) => {
        const entitlements = await this.entitlements.forAccount(accountScoped, accountId);
        assertNotLocked(entitlements);
        if (entitlements.limits.activeWorkspaces !== null) {
          await this.usage.lockWorkspaceCreation(accountScoped, accountId);
          assertWithinLimit(entitlements, 'activeWorkspaces', await this.usage.countWorkspaces(accountScoped, accountId));
        }
        const manager = await setTenantContext(accountScoped, { accountId, workspaceId: id, userId: actor.userId });
        await this.workspaces.insert(manager, {
          id,
          accountId,
          name: input.name,
          clientName: input.clientName ?? null,
          createdBy: actor.userId,
        });
        await this.members.add(manager, {
          workspaceId: id,
          accountId,
          userId: actor.userId,
          role: 'owner',
          email: actor.email.toLowerCase(),
        });
        const scope = { accountId, workspaceId: id };
        await this.activity.record(manager, {
          ...scope,
          actorUserId: actor.userId,
          action: 'workspace.created',
          targetType: 'workspace',
          targetId: id,
          after: { name: input.name, clientName: input.clientName ?? null },
          requestId: actor.requestId,
        });
        await this.dashboards.workspaceCreated(manager, scope);
        await this.membersService.recordChange(
          manager,
          actor,
          scope,
          'member.joined',
          WorkspaceEvents.memberAdded,
          actor.userId,
          null,
          'owner',
        );
        await this.outbox.add(manager, {
          type: WorkspaceEvents.workspaceCreated,
          tenant: scope,
          aggregateId: id,
          aggregateVersion: 1,
          requestId: actor.requestId,
          data: { workspaceId: id, accountId, name: input.name, createdBy: actor.userId },
        });
        const created = await this.workspaces.findForMember(manager, id, actor.userId);
        return created!;
      }),
    );
  }

  /** Every workspace the caller is a member of, in any account. */
  list(actor: Actor): Promise<{ items: MyWorkspaceView[] }> {
    return this.tx.runForUser({ userId: actor.userId }, async (manager) => ({
      items: await this.workspaces.listForMember(manager, actor.userId),
    }));
  }

  get(actor: Actor, workspaceId: string): Promise<MyWorkspaceView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ReadWorkspace, async (manager) => {
      const workspace = await this.workspaces.findForMember(manager, workspaceId, actor.userId);
      if (!workspace) throw AccessError.workspaceNotFound(workspaceId);
      return workspace;
    });
  }

  update(
    actor: Actor,
    workspaceId: string,
    changes: { name?: string; clientName?: string | null; reviewWindowDays?: number },
  ): Promise<MyWorkspaceView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.UpdateWorkspace, async (manager, scope) => {
      const before = await this.workspaces.findForMember(manager, workspaceId, actor.userId);
      await this.workspaces.update(manager, workspaceId, changes);
      const after = await this.workspaces.findForMember(manager, workspaceId, actor.userId);
      if (!before || !after) throw AccessError.workspaceNotFound(workspaceId);
      await this.activity.record(manager, {
        accountId: scope.accountId,
        workspaceId,
        actorUserId: actor.userId,
        action: 'workspace.updated',
        targetType: 'workspace',
        targetId: workspaceId,
        before: { name: before.name, clientName: before.clientName, reviewWindowDays: before.reviewWindowDays },
        after: { name: after.name, clientName: after.clientName, reviewWindowDays: after.reviewWindowDays },
        requestId: actor.requestId,
      });
      return after;
    });
  }
}
