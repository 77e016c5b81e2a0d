import { Inject, Injectable } from '@nestjs/common';
import { APPROVAL_SIDE, ApprovalAction, ApprovalGateView, ApprovalPolicyView, PutApprovalPolicyBody } from '@fpms/contracts';
import { sideOf, WorkspaceAction, WorkspaceRole } from '@fpms/auth/permissions';
import { Clock } from '@fpms/common/scheduling/clock';
import { Actor } from '../access/actor';
import { WorkspaceAccess } from '../access/workspace-access';
import { ActivityLogRepository } from '../activity/activity-log.repository';
import { MembersRepository } from '../members/members.repository';
import { ApprovalPoliciesRepository } from './approval-policies.repository';
import { ApprovalError } from './approval.errors';

/** Who writes a side's policies: the client's admins for the client's actions, the owner for the freelancer side's. */
const MANAGE: Readonly<Record<'client' | 'freelancer', WorkspaceAction>> = {
  client: WorkspaceAction.ManageClientSide,
  freelancer: WorkspaceAction.ManageFreelancerSide,
};

@Injectable()
export class ApprovalPoliciesService {
  constructor(
    private readonly access: WorkspaceAccess,
    private readonly policies: ApprovalPoliciesRepository,
    private readonly members: MembersRepository,
    private readonly activity: ActivityLogRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  list(actor: Actor, workspaceId: string): Promise<{ items: ApprovalPolicyView[] }> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ReadMilestones, async (manager) => ({
      items: await this.policies.list(manager, workspaceId),
    }));
  }

  /**
   * Replaces the action's chain. Roles must be of the policy's side and named approvers its
   * current members; a gate naming only people needs at least `required` of them. Requests
   * already open keep the gates they started with.
   */
  put(actor: Actor, workspaceId: string, action: ApprovalAction, body: PutApprovalPolicyBody): Promise<ApprovalPolicyView> {
    const side = APPROVAL_SIDE[action];
    return this.access.run(actor, workspaceId, MANAGE[side], async (manager, scope) => {
      const members = await this.members.list(manager, workspaceId);
      const sideOfMember = new Map(members.map((m) => [m.userId, sideOf(m.role as WorkspaceRole)]));
      const gates: ApprovalGateView[] = body.gates.map((g, index) => {
        const roles = [...new Set(g.approvers.roles ?? [])];
        const userIds = [...new Set((g.approvers.userIds ?? []).map((id) => id.toLowerCase()))];
        const foreignRoles = roles.filter((r) => sideOf(r as WorkspaceRole) !== side);
        if (foreignRoles.length > 0)
          throw ApprovalError.policyInvalid(`Gate ${index + 1} names roles of the other side`, { gate: index, roles: foreignRoles });
        const outsiders = userIds.filter((id) => sideOfMember.get(id) !== side);
        if (outsiders.length > 0) {
          throw ApprovalError.policyInvalid(`Gate ${index + 1} names people who are not ${side}-side members`, {
            gate: index,
            userIds: outsiders,
          });
        }
        if (roles.length === 0 && userIds.length === 0)
          throw ApprovalError.policyInvalid(`Gate ${index + 1} names no approvers`, { gate: index });
        if (roles.length === 0 && g.required > userIds.length) {
          throw ApprovalError.policyInvalid(`Gate ${index + 1} needs ${g.required} approvals but names ${userIds.length} people`, {
            gate: index,
            required: g.required,
          });
        }
        return {
          name: g.name,
          approvers: { roles: roles as WorkspaceRole[], userIds },
          required: g.required,
          onlyAbove: (g.onlyAbove ?? []).map((t) => ({ currency: t.currency, amount: t.amount })),
        };
      });
      const policy = await this.policies.put(manager, {
        accountId: scope.accountId,
        workspaceId,
        action,
        side,
        gates,
        userId: actor.userId,
        now: this.clock.now(),
      });
      await this.activity.record(manager, {
        accountId: scope.accountId,
        workspaceId,
        actorUserId: actor.userId,
        action: 'approval_policy.changed',
        targetType: 'approval_policy',
        targetId: action,
        after: { version: policy.version, gates },
        requestId: actor.requestId,
      });
      return policy;
    });
  }

  delete(actor: Actor, workspaceId: string, action: ApprovalAction): Promise<{ deleted: boolean }> {
    return this.access.run(actor, workspaceId, MANAGE[APPROVAL_SIDE[action]], async (manager, scope) => {
      if (!(await this.policies.delete(manager, workspaceId, action))) throw ApprovalError.policyNotFound(action);
      await this.activity.record(manager, {
        accountId: scope.accountId,
        workspaceId,
        actorUserId: actor.userId,
        action: 'approval_policy.removed',
        targetType: 'approval_policy',
        targetId: action,
        requestId: actor.requestId,
      });
      return { deleted: true };
    });
  }
}
