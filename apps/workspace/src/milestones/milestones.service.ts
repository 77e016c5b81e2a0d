import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { WorkspaceAction } from '@fpms/auth/permissions';
import {
  CreateMilestoneBody,
  MilestoneCommandBody,
  MilestoneCommandResult,
  MilestoneView,
  OpenDisputeBody,
  SubmitMilestoneBody,
} from '@fpms/contracts';
import { Actor } from '../access/actor';
import { WorkspaceAccess, WorkspaceScope } from '../access/workspace-access';
import { ActivityLogRepository } from '../activity/activity-log.repository';
import { ApprovalChainsService } from '../approvals/approval-chains.service';
import { Clock } from '@fpms/common/scheduling/clock';
import { DashboardProjectionRepository } from '../dashboard/dashboard-projection.repository';
import { DisputeRecords } from '../disputes/dispute-records';
import { DeliverablePinner, PinRequest } from './deliverable-pinner';
import { factsOf, MilestoneLifecycle } from './milestone-lifecycle';
import { USER_RULES, UserCommand, userTransition } from './milestone-state-machine';
import { MilestoneError } from './milestone.errors';
import { MilestoneEdits, MilestoneRow, MilestonesRepository, stateOf, toMilestoneView } from './milestones.repository';
import { idempotent } from '@fpms/database/idempotency';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { assertNotLocked, assertWithinLimit, EntitlementsReader } from '@fpms/platform/entitlements';
import { monthOf, PlanUsageRepository } from '../entitlements/plan-usage.repository';

/** A command's input: the note and version every command takes, and submit's deliverable. */
export type CommandInput = MilestoneCommandBody &
  Partial<Pick<SubmitMilestoneBody, 'deliverableFileVersionId'>> &
  Partial<Pick<OpenDisputeBody, 'statement'>>;

@Injectable()
export class MilestonesService {
  constructor(
    private readonly access: WorkspaceAccess,
    private readonly milestones: MilestonesRepository,
    private readonly lifecycle: MilestoneLifecycle,
    private readonly activity: ActivityLogRepository,
    private readonly dashboards: DashboardProjectionRepository,
    private readonly pinner: DeliverablePinner,
    private readonly disputeRecords: DisputeRecords,
    @Inject(Clock) private readonly clock: Clock,
    private readonly entitlements: EntitlementsReader,
    private readonly usage: PlanUsageRepository,
    private readonly approvals: ApprovalChainsService,
  ) {}

  create(actor: Actor, workspaceId: string, input: CreateMilestoneBody): Promise<MilestoneView> {
    return this.access.run(
      actor,
      workspaceId,
      WorkspaceAction.ManageMilestones,
      idempotent(actor, async (manager, scope) => {
        // A new milestone is new work: refused while the account is locked.
        assertNotLocked(await this.entitlements.forAccount(manager, scope.accountId));
        const id = randomUUID();
        const reviewWindowDays = input.reviewWindowDays ?? (await this.milestones.workspaceReviewWindow(manager, workspaceId));
        await this.milestones.insert(manager, {
          id,
          accountId: scope.accountId,
          workspaceId,
          title: input.title,
          description: input.description ?? null,
          amount: input.amount,
          currency: input.currency,
          dueDate: input.dueDate ?? null,
          reviewWindowDays,
          billing: input.billing ?? 'escrow',
          createdBy: actor.userId,
          now: this.clock.now(),
        });
        const row = (await this.milestones.find(manager, workspaceId, id))!;
        await this.activity.record(manager, {
          ...scope,
          actorUserId: actor.userId,
          action: 'milestone.created',
          targetType: 'milestone',
          targetId: id,
          after: {
            status: row.status,
            title: row.title,
            amount: Number(row.amount),
            currency: row.currency,
            dueDate: row.due_date,
            billing: row.billing_mode,
          },
          requestId: actor.requestId,
        });
        await this.dashboards.milestoneChanged(manager, scope, null, factsOf(row));
        return toMilestoneView(row);
      }),
    );
  }

  list(
    actor: Actor,
    workspaceId: string,
    q: { limit: number; before?: string; status?: string },
  ): Promise<{ items: MilestoneView[]; nextBefore: string | null }> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ReadMilestones, async (manager) => {
      const { rows, nextBefore } = await this.milestones.list(manager, workspaceId, q.limit, q.before, q.status);
      return { items: rows.map(toMilestoneView), nextBefore };
    });
  }

  /** Also answers a former client admin, for a milestone the client paid for (read-only). */
  get(actor: Actor, workspaceId: string, milestoneId: string): Promise<MilestoneView> {
    return this.access.run(
      actor,
      workspaceId,
      WorkspaceAction.ReadMilestones,
      async (manager) => toMilestoneView(await this.require(manager, workspaceId, milestoneId, false)),
      { formerClientResource: { milestoneId } },
    );
  }

  /** Terms can change only while the milestone is a draft: after that both sides agreed to them. */
  update(
    actor: Actor,
    workspaceId: string,
    milestoneId: string,
    edits: MilestoneEdits & { expectedVersion?: number },
  ): Promise<MilestoneView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ManageMilestones, async (manager, scope) => {
      const before = await this.require(manager, workspaceId, milestoneId, true, edits.expectedVersion);
      if (before.status !== 'draft') throw MilestoneError.notEditable(before.status);
      const { expectedVersion: _ignored, ...changes } = edits;
      await this.milestones.edit(manager, milestoneId, changes, this.clock.now());
      const after = (await this.milestones.find(manager, workspaceId, milestoneId))!;
      await this.activity.record(manager, {
        ...scope,
        actorUserId: actor.userId,
        action: 'milestone.updated',
        targetType: 'milestone',
        targetId: milestoneId,
        before: terms(before),
        after: terms(after),
        requestId: actor.requestId,
      });
      await this.dashboards.milestoneChanged(manager, scope, factsOf(before), factsOf(after));
      return toMilestoneView(after);
    });
  }

  /** A member's command: permission (403) first, then the state machine (409). */
  async command(
    actor: Actor,
    workspaceId: string,
    milestoneId: string,
    command: UserCommand,
    input: CommandInput,
  ): Promise<MilestoneCommandResult> {
    // A pin taken for a submission whose transaction then fails is released (not when the
    // commit itself failed: it may have committed; the milestone's next event settles that).
    let pinned: PinRequest | null = null;
    let workDone = false;
    try {
      return await this.access.run(actor, workspaceId, USER_RULES[command].action, async (manager, scope) => {
        const result = await this.runCommand(
          manager,
          scope,
          actor,
          workspaceId,
          milestoneId,
          command,
          input,
          (request) => (pinned = request),
        );
        workDone = true;
        return result;
      });
    } catch (error) {
      if (pinned && !workDone) await this.pinner.release(pinned);
      throw error;
    }
  }

  private async runCommand(
    manager: TenantManager,
    scope: WorkspaceScope,
    actor: Actor,
    workspaceId: string,
    milestoneId: string,
    command: UserCommand,
    input: CommandInput,
    onPinned: (request: PinRequest) => void,
  ): Promise<MilestoneCommandResult> {
    const row = await this.require(manager, workspaceId, milestoneId, true, input.expectedVersion);
    const transition = userTransition(stateOf(row), command, actor.userId);
    // Possible, and a chain stands in front of it: it waits for sign-off (nothing changes yet).
    const approvalRequest = await this.approvals.intercept(manager, scope, actor, row, command, input);
    if (approvalRequest) return { ...toMilestoneView(row), approvalRequest };
    if (command === 'propose') await this.countProposal(manager, scope, milestoneId);
    if (command === 'submit') onPinned(await this.pin(actor, scope, row, input.deliverableFileVersionId));
    const updated = await this.lifecycle.apply(
      manager,
      row,
      command,
      transition,
      { kind: 'user', userId: actor.userId, requestId: actor.requestId },
      { deliverableFileVersionId: input.deliverableFileVersionId, note: input.note },
    );
    // The dispute's own record (evidence, deadline, resolution) commits with its freeze.
    if (command === 'open_dispute') await this.disputeRecords.opened(manager, scope, actor, updated, input.statement);
    if (command === 'withdraw_dispute') await this.disputeRecords.withdrawn(manager, scope, actor, updated);
    return toMilestoneView(updated);
  }

  /**
   * A proposal is refused while the account is locked, and beyond the plan's
   * `milestonesPerMonth` (the account's proposals this UTC month, counted under a
   * per-account lock; a milestone proposed again after a decline counts once).
   */
  private async countProposal(manager: TenantManager, scope: WorkspaceScope, milestoneId: string): Promise<void> {
    const entitlements = await this.entitlements.forAccount(manager, scope.accountId);
    assertNotLocked(entitlements);
    const now = this.clock.now();
    const month = monthOf(now);
    const proposal = { accountId: scope.accountId, workspaceId: scope.workspaceId, milestoneId, month, at: now };
    // Unlimited: recorded for the usage view, without serialising the account's proposals
    // (the insert is idempotent; the milestone's own row lock orders a milestone's proposals).
    if (entitlements.limits.milestonesPerMonth === null) return this.usage.recordProposal(manager, proposal);
    await this.usage.lockMilestoneProposals(manager, scope.accountId);
    if (await this.usage.isProposalCounted(manager, scope.accountId, month, milestoneId)) return;
    assertWithinLimit(entitlements, 'milestonesPerMonth', await this.usage.proposalsInMonth(manager, scope.accountId, month));
    await this.usage.recordProposal(manager, proposal);
  }

  private async pin(actor: Actor, scope: WorkspaceScope, row: MilestoneRow, fileVersionId?: string): Promise<PinRequest> {
    if (!fileVersionId) throw MilestoneError.deliverableRequired();
    const request = {
      actor,
      accountId: scope.accountId,
      workspaceId: scope.workspaceId,
      milestoneId: row.id,
      milestoneVersion: row.version,
      fileVersionId,
    };
    const result = await this.pinner.pin(request);
    if (!result.ok) throw MilestoneError.deliverableRejected(fileVersionId, result.reason);
    return request;
  }

  private async require(
    manager: TenantManager,
    workspaceId: string,
    milestoneId: string,
    lock: boolean,
    expectedVersion?: number,
  ): Promise<MilestoneRow> {
    const row = await this.milestones.find(manager, workspaceId, milestoneId, lock);
    if (!row) throw MilestoneError.milestoneNotFound(milestoneId);
    if (expectedVersion !== undefined && expectedVersion !== row.version) throw MilestoneError.staleVersion(expectedVersion, row.version);
    return row;
  }
}

const terms = (r: MilestoneRow) => ({
  title: r.title,
  description: r.description,
  amount: Number(r.amount),
  currency: r.currency,
  dueDate: r.due_date,
  reviewWindowDays: r.review_window_days,
  billing: r.billing_mode,
});
