import { Inject, Injectable } from '@nestjs/common';
import type { DisputeOutcome } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { ActivityLogRepository } from '../activity/activity-log.repository';
import { MilestoneError } from '../milestones/milestone.errors';
import { MilestoneLifecycle } from '../milestones/milestone-lifecycle';
import { disputeResolution } from '../milestones/milestone-state-machine';
import { MilestonesRepository, stateOf } from '../milestones/milestones.repository';
import { DisputeError } from './dispute.errors';
import { DisputeRow } from './dispute-rows';
import { DisputesRepository } from './disputes.repository';
import { escrowedOf, resolutionAmounts } from './resolution-amounts';

export interface Decision {
  outcome: DisputeOutcome;
  releaseAmount?: number;
  refundAmount?: number;
  resolvedBy: 'admin' | 'deadline';
  adminUserId: string | null;
  reason: string | null;
  requestId?: string;
}

/**
 * Decides an open dispute, whoever decides (an admin, the deadline), in the dispute's tenant
 * transaction: under the milestone's lock the amounts are checked against what is escrowed
 * now (422 otherwise), the dispute records the decision, the milestone's freeze lifts with
 * the outcome kept until billing's money follows, and `workspace.milestone.dispute_resolved`
 * goes out through the outbox carrying the release and refund parts. All or nothing.
 */
@Injectable()
export class DisputeResolver {
  constructor(
    private readonly milestones: MilestonesRepository,
    private readonly disputes: DisputesRepository,
    private readonly lifecycle: MilestoneLifecycle,
    private readonly activity: ActivityLogRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async resolve(
    manager: TenantManager,
    dispute: Pick<DisputeRow, 'id' | 'workspace_id' | 'milestone_id'>,
    decision: Decision,
  ): Promise<DisputeRow> {
    const milestone = await this.milestones.find(manager, dispute.workspace_id, dispute.milestone_id, true);
    if (!milestone) throw MilestoneError.milestoneNotFound(dispute.milestone_id);
    const locked = await this.disputes.find(manager, dispute.id, true);
    if (!locked) throw DisputeError.disputeNotFound({ disputeId: dispute.id });
    if (locked.status !== 'open') throw DisputeError.notOpen(locked.status);
    const state = stateOf(milestone);
    const amounts = resolutionAmounts(decision.outcome, escrowedOf(state.money), decision);
    const transition = disputeResolution(state, decision.outcome);
    const now = this.clock.now();
    await this.disputes.resolve(manager, locked.id, {
      ...amounts,
      outcome: decision.outcome,
      resolvedBy: decision.resolvedBy,
      adminUserId: decision.adminUserId,
      reason: decision.reason,
      now,
    });
    await this.activity.record(manager, {
      accountId: milestone.account_id,
      workspaceId: milestone.workspace_id,
      actorUserId: decision.adminUserId,
      action: 'dispute.resolved',
      targetType: 'dispute',
      targetId: locked.id,
      before: { status: 'open' },
      after: {
        status: 'resolved',
        milestoneId: milestone.id,
        outcome: decision.outcome,
        ...amounts,
        currency: milestone.currency,
        resolvedBy: decision.resolvedBy,
        ...(decision.reason ? { overrideReason: decision.reason } : {}),
      },
      requestId: decision.requestId,
    });
    await this.lifecycle.apply(
      manager,
      milestone,
      'resolve_dispute',
      transition,
      { kind: 'dispute', adminUserId: decision.adminUserId, requestId: decision.requestId },
      { dispute: { disputeId: locked.id, outcome: decision.outcome, ...amounts, resolvedBy: decision.resolvedBy } },
    );
    return (await this.disputes.find(manager, locked.id))!;
  }
}
