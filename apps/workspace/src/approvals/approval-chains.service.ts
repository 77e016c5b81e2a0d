import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  APPROVAL_SIDE,
  ApprovalRequestView,
  ApproveGateBody,
  CancelApprovalBody,
  ListApprovalsQuery,
  RejectGateBody,
  WorkspaceEvents,
} from '@fpms/contracts';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { AppError } from '@fpms/common/errors/app-error';
import { Clock } from '@fpms/common/scheduling/clock';
import { idempotent } from '@fpms/database/idempotency';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { Actor } from '../access/actor';
import { WorkspaceAccess, WorkspaceScope } from '../access/workspace-access';
import { MembersRepository } from '../members/members.repository';
import { DeliverablePinner, PinRequest } from '../milestones/deliverable-pinner';
import { MilestoneLifecycle } from '../milestones/milestone-lifecycle';
import { UserCommand, userTransition } from '../milestones/milestone-state-machine';
import { MilestoneError } from '../milestones/milestone.errors';
import { MilestoneRow, MilestonesRepository, stateOf } from '../milestones/milestones.repository';
import { ApprovalRecords } from './approval-events';
import { lockRequestAndMilestone } from './approval-locks';
import { APPROVAL_OPTIONS, ApprovalOptions, nextGateTimer } from './approval-options';
import { ApprovalPoliciesRepository } from './approval-policies.repository';
import { ApprovalRequestRow, ApprovalRequestsRepository } from './approval-requests.repository';
import { actionOf, applicableGates, approvalTransition, COMMAND_OF, mayPass } from './approval-state-machine';
import { ApprovalError } from './approval.errors';
import { CurrentMember, decidedBy, toApprovalView, waitingFor } from './approval-views';

/**
 * Approval chains in front of milestone actions (docs/approvals.md). An action with a policy
 * becomes a request that walks a frozen copy of the gates that apply to its amount; the last
 * gate runs the action as the requester, in the approver's transaction, exactly once (the
 * request row is locked and its status checked; the milestone's state machine checks again).
 * Lock order everywhere: the milestone, then its requests.
 */
@Injectable()
export class ApprovalChainsService {
  constructor(
    private readonly access: WorkspaceAccess,
    private readonly policies: ApprovalPoliciesRepository,
    private readonly requests: ApprovalRequestsRepository,
    private readonly members: MembersRepository,
    private readonly milestones: MilestonesRepository,
    private readonly lifecycle: MilestoneLifecycle,
    private readonly pinner: DeliverablePinner,
    private readonly records: ApprovalRecords,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APPROVAL_OPTIONS) private readonly options: ApprovalOptions,
  ) {}

  /**
   * Called by a milestone command once its transition is known to be possible (the milestone
   * is locked): null when no chain applies (the command goes ahead), else the request now
   * walking the chain — the open one if the action is waiting already.
   */
  async intercept(
    manager: TenantManager,
    scope: WorkspaceScope,
    actor: Actor,
    milestone: MilestoneRow,
    command: UserCommand,
    input: { deliverableFileVersionId?: string; note?: string },
  ): Promise<ApprovalRequestView | null> {
    const action = actionOf(command);
    if (!action) return null;
    const open = await this.requests.findOpen(manager, milestone.id, action);
    if (open) return this.view(manager, open);
    const policy = await this.policies.find(manager, milestone.workspace_id, action);
    if (!policy) return null;
    const amount = Number(milestone.amount);
    const gates = applicableGates(policy.gates, amount, milestone.currency);
    if (gates.length === 0) return null;
    if (command === 'submit' && !input.deliverableFileVersionId) throw MilestoneError.deliverableRequired();
    const now = this.clock.now();
    const row = await this.requests.insert(manager, {
      id: randomUUID(),
      accountId: scope.accountId,
      workspaceId: milestone.workspace_id,
      milestoneId: milestone.id,
      action,
      side: APPROVAL_SIDE[action],
      requestedBy: actor.userId,
      amount,
      currency: milestone.currency,
      policyVersion: policy.version,
      gates,
      payload: { deliverableFileVersionId: input.deliverableFileVersionId, note: input.note },
      now,
      nextTimerAt: nextGateTimer(this.options, now, now, false),
    });
    await this.requests.log(manager, row, { event: 'requested', gate: null, userId: actor.userId, reason: input.note ?? null, at: now });
    await this.records.activityEntry(manager, row, 'approval.requested', {
      actorUserId: actor.userId,
      requestId: actor.requestId,
      gate: 0,
      extra: { policyVersion: policy.version, gates: gates.length, amount, currency: milestone.currency },
    });
    const view = await this.view(manager, row);
    await this.records.publish(manager, WorkspaceEvents.approvalRequested, row, {
      milestoneTitle: milestone.title,
      approverUserIds: view.waitingFor,
      actorUserId: actor.userId,
      requestId: actor.requestId,
    });
    return view;
  }

  list(actor: Actor, workspaceId: string, q: ListApprovalsQuery): Promise<{ items: ApprovalRequestView[]; nextBefore: string | null }> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ReadMilestones, async (manager) => {
      const rows = await this.requests.list(manager, workspaceId, { ...q, limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      const logs = await this.requests.logOf(
        manager,
        page.map((r) => r.id),
      );
      const members = await this.currentMembers(manager, workspaceId);
      return {
        items: page.map((r) => toApprovalView(r, logs.get(r.id) ?? [], members)),
        nextBefore: rows.length > q.limit ? page[page.length - 1].seq : null,
      };
    });
  }

  /** Passes the current gate; at the last one the action happens (as the requester). */
  approve(actor: Actor, workspaceId: string, requestId: string, body: ApproveGateBody): Promise<ApprovalRequestView> {
    return this.decide(actor, workspaceId, requestId, body.gate, async (manager, row, milestone, members) => {
      const now = this.clock.now();
      const gate = row.current_gate as number;
      await this.requests.log(manager, row, { event: 'approved_gate', gate, userId: actor.userId, reason: body.reason ?? null, at: now });
      await this.records.activityEntry(manager, row, 'approval.gate_passed', {
        actorUserId: actor.userId,
        requestId: actor.requestId,
        gate,
        reason: body.reason,
      });
      const passes = (await this.logOf(manager, row)).filter((e) => e.event === 'approved_gate' && e.gate === gate).length;
      if (passes < row.gates[gate].required) return row;
      if (gate + 1 < row.gates.length) {
        approvalTransition(row.status, 'pass_gate');
        const next = await this.requests.update(manager, row.id, {
          status: 'pending',
          currentGate: gate + 1,
          gateOpenedAt: now,
          nextTimerAt: nextGateTimer(this.options, now, now, false),
          decidedAt: null,
        });
        await this.records.publish(manager, WorkspaceEvents.approvalGateOpened, next, {
          milestoneTitle: milestone.title,
          approverUserIds: waitingFor(next, await this.logOf(manager, next), members),
          actorUserId: actor.userId,
          requestId: actor.requestId,
        });
        return next;
      }
      return this.complete(manager, actor, row, milestone);
    });
  }

  /** Rejects at the current gate: the action does not happen; the requester is told why. */
  reject(actor: Actor, workspaceId: string, requestId: string, body: RejectGateBody): Promise<ApprovalRequestView> {
    return this.decide(actor, workspaceId, requestId, body.gate, async (manager, row, milestone) => {
      const now = this.clock.now();
      const gate = row.current_gate as number;
      const status = approvalTransition(row.status, 'reject');
      await this.requests.log(manager, row, { event: 'rejected', gate, userId: actor.userId, reason: body.reason, at: now });
      const rejected = await this.requests.close(manager, row.id, status, body.reason, now);
      await this.records.activityEntry(manager, rejected, 'approval.rejected', {
        actorUserId: actor.userId,
        requestId: actor.requestId,
        gate,
        reason: body.reason,
      });
      await this.records.publish(
        manager,
        WorkspaceEvents.approvalRejected,
        { ...rejected, current_gate: gate },
        {
          milestoneTitle: milestone.title,
          approverUserIds: [],
          actorUserId: actor.userId,
          requestId: actor.requestId,
          reason: body.reason,
        },
      );
      return rejected;
    });
  }

  /** The requester withdraws the request: nothing happens. */
  cancel(actor: Actor, workspaceId: string, requestId: string, body: CancelApprovalBody): Promise<ApprovalRequestView> {
    return this.access.run(
      actor,
      workspaceId,
      WorkspaceAction.ReadMilestones,
      idempotent(actor, async (manager) => {
        const { row } = await this.lockRequest(manager, workspaceId, requestId);
        if (row.requested_by !== actor.userId) throw ApprovalError.notRequester();
        const status = approvalTransition(row.status, 'cancel');
        const now = this.clock.now();
        await this.requests.log(manager, row, {
          event: 'cancelled',
          gate: row.current_gate,
          userId: actor.userId,
          reason: body.reason ?? null,
          at: now,
        });
        const cancelled = await this.requests.close(manager, row.id, status, body.reason ?? null, now);
        await this.records.activityEntry(manager, cancelled, 'approval.cancelled', {
          actorUserId: actor.userId,
          requestId: actor.requestId,
          gate: row.current_gate,
          reason: body.reason,
        });
        return this.view(manager, cancelled);
      }),
    );
  }

  /** Open requests of the workspace, and those the caller may pass now (the dashboard's counts). */
  async waitingCounts(manager: TenantManager, workspaceId: string, userId: string): Promise<{ open: number; waitingForYou: number }> {
    const open = await this.requests.openInWorkspace(manager, workspaceId);
    if (open.length === 0) return { open: 0, waitingForYou: 0 };
    const members = await this.currentMembers(manager, workspaceId);
    const logs = await this.requests.logOf(
      manager,
      open.map((r) => r.id),
    );
    return { open: open.length, waitingForYou: open.filter((r) => waitingFor(r, logs.get(r.id) ?? [], members).includes(userId)).length };
  }

  /**
   * The shared checks of a decision, under the milestone's lock and then the request's:
   * pending, at the gate the approver saw, not their own request, not decided by them
   * before, and theirs to pass (role or name on the gate, or the side's admin once escalated).
   */
  private decide(
    actor: Actor,
    workspaceId: string,
    requestId: string,
    expectedGate: number | undefined,
    work: (
      manager: TenantManager,
      row: ApprovalRequestRow,
      milestone: MilestoneRow,
      members: CurrentMember[],
    ) => Promise<ApprovalRequestRow>,
  ): Promise<ApprovalRequestView> {
    return this.access.run(
      actor,
      workspaceId,
      WorkspaceAction.ReadMilestones,
      idempotent(actor, async (manager, scope) => {
        const { row, milestone } = await this.lockRequest(manager, workspaceId, requestId);
        approvalTransition(row.status, 'pass_gate');
        const gate = row.current_gate as number;
        if (expectedGate !== undefined && expectedGate !== gate) throw ApprovalError.gateMoved(expectedGate, gate);
        if (row.requested_by === actor.userId) throw ApprovalError.ownRequest();
        if (decidedBy(await this.logOf(manager, row)).has(actor.userId)) throw ApprovalError.alreadyDecided(gate);
        const members = await this.currentMembers(manager, workspaceId);
        const me = scope.role === 'former_client' ? null : { userId: actor.userId, role: scope.role };
        if (!me || !mayPass(row.gates[gate], row.escalated_gates.includes(gate), row.action, me)) throw ApprovalError.notAnApprover(gate);
        return this.view(manager, await work(manager, row, milestone, members), members);
      }),
    );
  }

  /**
   * The last gate passed: the request is approved and the action runs as the requester, in
   * this transaction. If the milestone moved on meanwhile (and the change did not supersede
   * the request), the request is superseded instead and nothing runs.
   */
  private async complete(
    manager: TenantManager,
    actor: Actor,
    row: ApprovalRequestRow,
    milestone: MilestoneRow,
  ): Promise<ApprovalRequestRow> {
    const now = this.clock.now();
    const command = COMMAND_OF[row.action];
    let transition;
    try {
      transition = userTransition(stateOf(milestone), command, row.requested_by);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 409) throw error;
      const superseded = await this.requests.close(manager, row.id, approvalTransition(row.status, 'supersede'), error.message, now);
      await this.requests.log(manager, row, { event: 'superseded', gate: row.current_gate, userId: null, reason: error.message, at: now });
      await this.records.activityEntry(manager, superseded, 'approval.superseded', {
        actorUserId: null,
        gate: row.current_gate,
        reason: error.message,
      });
      return superseded;
    }
    const approved = await this.requests.close(manager, row.id, approvalTransition(row.status, 'complete'), null, now);
    await this.requests.log(manager, row, { event: 'completed', gate: row.current_gate, userId: actor.userId, reason: null, at: now });
    await this.records.activityEntry(manager, approved, 'approval.approved', {
      actorUserId: actor.userId,
      requestId: actor.requestId,
      gate: row.current_gate,
      extra: { ran: command, as: row.requested_by },
    });
    let pinned: PinRequest | null = null;
    if (command === 'submit') {
      // Pinned as the approver (the freelancer side's, allowed to pin): the requester's token may be long gone.
      pinned = await this.pinDeliverable(actor, row, milestone);
    }
    try {
      await this.lifecycle.apply(
        manager,
        milestone,
        command,
        transition,
        { kind: 'user', userId: row.requested_by, requestId: actor.requestId },
        { deliverableFileVersionId: row.payload.deliverableFileVersionId, note: row.payload.note },
      );
    } catch (error) {
      if (pinned) await this.pinner.release(pinned);
      throw error;
    }
    await this.records.publish(
      manager,
      WorkspaceEvents.approvalApproved,
      { ...approved, current_gate: row.current_gate },
      {
        milestoneTitle: milestone.title,
        approverUserIds: [],
        actorUserId: actor.userId,
        requestId: actor.requestId,
      },
    );
    return approved;
  }

  private async pinDeliverable(actor: Actor, row: ApprovalRequestRow, milestone: MilestoneRow): Promise<PinRequest> {
    const fileVersionId = row.payload.deliverableFileVersionId;
    if (!fileVersionId) throw MilestoneError.deliverableRequired();
    const request = {
      actor,
      accountId: row.account_id,
      workspaceId: row.workspace_id,
      milestoneId: milestone.id,
      milestoneVersion: milestone.version,
      fileVersionId,
    };
    const result = await this.pinner.pin(request);
    if (!result.ok) throw MilestoneError.deliverableRejected(fileVersionId, result.reason);
    return request;
  }

  private async lockRequest(manager: TenantManager, workspaceId: string, requestId: string) {
    const locked = await lockRequestAndMilestone(manager, this.requests, this.milestones, workspaceId, requestId);
    if (!locked) throw ApprovalError.requestNotFound(requestId);
    return locked;
  }

  private async logOf(manager: TenantManager, row: ApprovalRequestRow) {
    return (await this.requests.logOf(manager, [row.id])).get(row.id) ?? [];
  }

  private async currentMembers(manager: TenantManager, workspaceId: string): Promise<CurrentMember[]> {
    return (await this.members.list(manager, workspaceId)).map((m) => ({ userId: m.userId, role: m.role }));
  }

  /** `members`: the workspace's current members when the caller has them already. */
  async view(manager: TenantManager, row: ApprovalRequestRow, members?: CurrentMember[]): Promise<ApprovalRequestView> {
    return toApprovalView(row, await this.logOf(manager, row), members ?? (await this.currentMembers(manager, row.workspace_id)));
  }
}
