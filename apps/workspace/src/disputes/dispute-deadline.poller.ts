import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '@fpms/common/errors/app-error';
import { Clock } from '@fpms/common/scheduling/clock';
import { LeasedClaimsJob } from '@fpms/common/scheduling/leased-claims-job';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { ActivityLogRepository } from '../activity/activity-log.repository';
import { MilestonesRepository } from '../milestones/milestones.repository';
import { CrossTenantDisputesRepository } from './cross-tenant-disputes.repository';
import { DISPUTE_OPTIONS, DisputeOptions } from './dispute-options';
import { DisputeResolver } from './dispute-resolver';
import { DisputesRepository } from './disputes.repository';

/** resolved: the other side stayed silent and lost; awaitingAdmin: it answered, an admin decides. */
type DeadlineOutcome = 'resolved' | 'awaitingAdmin';
type DeadlineClaim = { id: string; account_id: string; workspace_id: string; milestone_id: string };

/**
 * The response deadline of in-app disputes. When it passes and the side that did not open
 * the dispute added no evidence by then, that side loses: a client's dispute refunds
 * everything escrowed, a freelancer side's releases it. If it did answer, an admin decides.
 * Same machinery as the review timers: leases claimed across tenants under FOR UPDATE SKIP
 * LOCKED on the system pool, then each dispute handled in its tenant's transaction under
 * the milestone's lock, re-checked, so with several replicas each runs once.
 */
@Injectable()
export class DisputeDeadlinePoller extends LeasedClaimsJob<DeadlineClaim, DeadlineOutcome> {
  private readonly logger = new Logger(DisputeDeadlinePoller.name);

  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly tx: TenantTransactions,
    private readonly claims: CrossTenantDisputesRepository,
    private readonly disputes: DisputesRepository,
    private readonly milestones: MilestonesRepository,
    private readonly resolver: DisputeResolver,
    private readonly activity: ActivityLogRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DISPUTE_OPTIONS) private readonly options: DisputeOptions,
  ) {
    super(DisputeDeadlinePoller.name, options.pollIntervalMs, options.batchSize, ['resolved', 'awaitingAdmin']);
  }

  protected claim(limit: number): Promise<DeadlineClaim[]> {
    return systemTransaction(this.system, (m) => this.claims.claimDue(m, this.clock.now(), this.options.leaseMs, limit));
  }

  protected describe(claim: DeadlineClaim): string {
    return `dispute deadline ${claim.id}`;
  }

  protected handle(claim: DeadlineClaim): Promise<DeadlineOutcome | 'skipped'> {
    return this.tx.run({ accountId: claim.account_id, workspaceId: claim.workspace_id }, async (manager) => {
      const now = this.clock.now();
      await this.milestones.find(manager, claim.workspace_id, claim.milestone_id, true);
      const dispute = await this.disputes.find(manager, claim.id, true);
      if (!dispute || dispute.status !== 'open' || dispute.deadline_passed_at) return 'skipped';
      const dueAt = new Date(dispute.response_due_at);
      if (dueAt.getTime() > now.getTime()) {
        await this.disputes.releaseDeadlineClaim(manager, dispute.id);
        return 'skipped';
      }
      const respondent = dispute.opened_by_side === 'client' ? 'freelancer' : 'client';
      const answered = await this.disputes.answeredBy(manager, dispute.id, respondent, dueAt);
      await this.activity.record(manager, {
        accountId: dispute.account_id,
        workspaceId: dispute.workspace_id,
        actorUserId: null,
        action: 'dispute.deadline_passed',
        targetType: 'dispute',
        targetId: dispute.id,
        after: {
          milestoneId: dispute.milestone_id,
          responseDueAt: dueAt.toISOString(),
          respondent,
          answered,
          next: answered ? 'admin_decides' : `${respondent}_loses`,
        },
      });
      if (answered) {
        await this.disputes.markDeadlinePassed(manager, dispute.id, now);
        return 'awaitingAdmin';
      }
      try {
        await this.resolver.resolve(manager, dispute, {
          outcome: dispute.opened_by_side === 'client' ? 'refund' : 'release',
          resolvedBy: 'deadline',
          adminUserId: null,
          reason: null,
        });
      } catch (error) {
        // Nothing left to move (refunded meanwhile, say): an admin looks at it; the deadline is done.
        if (!(error instanceof AppError) || error.status >= 500) throw error;
        this.logger.warn(`dispute ${dispute.id} past its deadline cannot be decided automatically: ${error.message}`);
        await this.disputes.markDeadlinePassed(manager, dispute.id, now);
        return 'awaitingAdmin';
      }
      return 'resolved';
    });
  }
}
