import { Inject, Injectable } from '@nestjs/common';
import { sideOf, WorkspaceAction, WorkspaceRole } from '@fpms/auth/permissions';
import { AddDisputeEvidenceBody, DisputeView } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { Actor } from '../access/actor';
import { WorkspaceAccess } from '../access/workspace-access';
import { ActivityLogRepository } from '../activity/activity-log.repository';
import { MilestoneError } from '../milestones/milestone.errors';
import { MilestonesRepository } from '../milestones/milestones.repository';
import { DisputeError } from './dispute.errors';
import { DisputeRow, toDisputeView } from './dispute-rows';
import { DisputesRepository } from './disputes.repository';
import { EvidenceChecker } from './evidence-checker';

/** A workspace's members and its disputes: reading one (any member) and adding evidence (DisputeMilestones). */
@Injectable()
export class DisputesService {
  constructor(
    private readonly access: WorkspaceAccess,
    private readonly milestones: MilestonesRepository,
    private readonly disputes: DisputesRepository,
    private readonly activity: ActivityLogRepository,
    private readonly checker: EvidenceChecker,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** The milestone's newest dispute with its evidence; viewers read it too, former members nothing. */
  get(actor: Actor, workspaceId: string, milestoneId: string): Promise<DisputeView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ReadMilestones, async (manager) => {
      const dispute = await this.require(manager, workspaceId, milestoneId, false);
      return toDisputeView(dispute, await this.disputes.evidence(manager, dispute.id));
    });
  }

  /**
   * Evidence from either side until the response deadline, while the dispute is open.
   * Permission and the dispute's state are checked first (404/403/409 before anyone else is
   * asked), then the file versions with the files service, then it is stored under the
   * milestone's lock with everything re-checked.
   */
  async addEvidence(actor: Actor, workspaceId: string, milestoneId: string, body: AddDisputeEvidenceBody): Promise<DisputeView> {
    const evidence = {
      statement: body.statement ?? null,
      fileVersions: dedupe(body.fileVersions ?? [], (f) => f.versionId).map((f) => ({ fileId: f.fileId, versionId: f.versionId })),
      activityIds: [...new Set(body.activityIds ?? [])],
      messageIds: [...new Set(body.messageIds ?? [])],
    };
    if (!evidence.statement && !evidence.fileVersions.length && !evidence.activityIds.length && !evidence.messageIds.length)
      throw DisputeError.evidenceEmpty();
    await this.access.run(actor, workspaceId, WorkspaceAction.DisputeMilestones, async (manager) =>
      this.requireOpen(await this.require(manager, workspaceId, milestoneId, false)),
    );
    await this.checker.checkFiles(actor, workspaceId, evidence.fileVersions);
    return this.access.run(actor, workspaceId, WorkspaceAction.DisputeMilestones, async (manager, scope) => {
      if (!(await this.milestones.find(manager, workspaceId, milestoneId, true))) throw MilestoneError.milestoneNotFound(milestoneId);
      const dispute = this.requireOpen(await this.require(manager, workspaceId, milestoneId, true));
      await this.checker.checkActivity(manager, workspaceId, evidence.activityIds);
      const side = sideOf(scope.role as WorkspaceRole);
      const evidenceId = await this.disputes.addEvidence(manager, {
        ...evidence,
        disputeId: dispute.id,
        accountId: scope.accountId,
        workspaceId,
        addedBy: actor.userId,
        side,
        now: this.clock.now(),
      });
      await this.activity.record(manager, {
        accountId: scope.accountId,
        workspaceId,
        actorUserId: actor.userId,
        action: 'dispute.evidence_added',
        targetType: 'dispute',
        targetId: dispute.id,
        after: {
          evidenceId,
          milestoneId,
          side,
          statement: evidence.statement !== null,
          fileVersions: evidence.fileVersions.length,
          activityIds: evidence.activityIds.length,
          messageIds: evidence.messageIds.length,
        },
        requestId: actor.requestId,
      });
      return toDisputeView(dispute, await this.disputes.evidence(manager, dispute.id));
    });
  }

  private async require(manager: TenantManager, workspaceId: string, milestoneId: string, lock: boolean): Promise<DisputeRow> {
    const dispute = await this.disputes.latestForMilestone(manager, workspaceId, milestoneId, lock);
    if (dispute) return dispute;
    if (!(await this.milestones.find(manager, workspaceId, milestoneId))) throw MilestoneError.milestoneNotFound(milestoneId);
    throw DisputeError.disputeNotFound({ milestoneId });
  }

  private requireOpen(dispute: DisputeRow): DisputeRow {
    if (dispute.status !== 'open') throw DisputeError.closed(dispute.status, new Date(dispute.response_due_at), 'status');
    if (this.clock.now().getTime() > new Date(dispute.response_due_at).getTime())
      throw DisputeError.closed(dispute.status, new Date(dispute.response_due_at), 'deadline');
    return dispute;
  }
}

function dedupe<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => (seen.has(key(item)) ? false : (seen.add(key(item)), true)));
}
