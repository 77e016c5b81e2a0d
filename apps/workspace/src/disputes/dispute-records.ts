import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { sideOf, WorkspaceRole } from '@fpms/auth/permissions';
import { Clock } from '@fpms/common/scheduling/clock';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { Actor } from '../access/actor';
import { WorkspaceScope } from '../access/workspace-access';
import { ActivityLogRepository } from '../activity/activity-log.repository';
import { DISPUTE_OPTIONS, DisputeOptions } from './dispute-options';
import type { MilestoneRow } from '../milestones/milestones.repository';
import { DisputesRepository } from './disputes.repository';

const DAY_MS = 86_400_000;

/**
 * The dispute record behind the milestone's freeze, written in the same transaction as the
 * open_dispute / withdraw_dispute command (MilestonesService), with its activity entry.
 */
@Injectable()
export class DisputeRecords {
  constructor(
    private readonly disputes: DisputesRepository,
    private readonly activity: ActivityLogRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DISPUTE_OPTIONS) private readonly options: DisputeOptions,
  ) {}

  async opened(manager: TenantManager, scope: WorkspaceScope, actor: Actor, milestone: MilestoneRow, statement?: string): Promise<void> {
    const now = this.clock.now();
    const id = randomUUID();
    const side = sideOf(scope.role as WorkspaceRole);
    const responseDueAt = new Date(now.getTime() + this.options.responseDays * DAY_MS);
    await this.disputes.open(manager, {
      id,
      accountId: scope.accountId,
      workspaceId: scope.workspaceId,
      milestoneId: milestone.id,
      openedBy: actor.userId,
      side,
      statement: statement ?? null,
      currency: milestone.currency,
      now,
      responseDueAt,
    });
    await this.activity.record(manager, {
      accountId: scope.accountId,
      workspaceId: scope.workspaceId,
      actorUserId: actor.userId,
      action: 'dispute.opened',
      targetType: 'dispute',
      targetId: id,
      after: { milestoneId: milestone.id, side, responseDueAt: responseDueAt.toISOString(), ...(statement ? { statement } : {}) },
      requestId: actor.requestId,
    });
  }

  async withdrawn(manager: TenantManager, scope: WorkspaceScope, actor: Actor, milestone: MilestoneRow): Promise<void> {
    const open = await this.disputes.latestForMilestone(manager, scope.workspaceId, milestone.id, true);
    if (!open || open.status !== 'open') return;
    await this.disputes.withdraw(manager, open.id, this.clock.now());
    await this.activity.record(manager, {
      accountId: scope.accountId,
      workspaceId: scope.workspaceId,
      actorUserId: actor.userId,
      action: 'dispute.withdrawn',
      targetType: 'dispute',
      targetId: open.id,
      before: { status: 'open' },
      after: { status: 'withdrawn', milestoneId: milestone.id },
      requestId: actor.requestId,
    });
  }
}
