import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@fpms/common/scheduling/clock';
import { LeasedClaimsJob } from '@fpms/common/scheduling/leased-claims-job';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { TimeWeekApprovals } from './time-week-approvals';
import { TimeWeekClaimsRepository, WorkspaceClaim } from './time-week-claims.repository';
import { TIME_WEEK_OPTIONS, TimeWeekOptions } from './time-week-options';
import { TimeWeeksRepository } from './time-weeks.repository';

type ReviewClaim = WorkspaceClaim & { kind: 'review' | 'dispute' };

/**
 * The weekly cycle's deadlines: a review window that lapsed approves the week as it is
 * (`review_lapsed`), a dispute the freelancer's owner left unanswered past its response
 * deadline drops the entry (the milestone disputes' rule: the side that did not open the
 * dispute and stayed silent loses). Leased claims, then each re-checked under the week's
 * lock in its tenant's transaction, so an accept racing the lapse approves once.
 */
@Injectable()
export class WeekReviewPoller extends LeasedClaimsJob<ReviewClaim, 'approved' | 'dropped'> {
  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly tx: TenantTransactions,
    private readonly claims: TimeWeekClaimsRepository,
    private readonly weeks: TimeWeeksRepository,
    private readonly approvals: TimeWeekApprovals,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(TIME_WEEK_OPTIONS) private readonly options: TimeWeekOptions,
  ) {
    super(WeekReviewPoller.name, options.pollIntervalMs, options.batchSize, ['approved', 'dropped']);
  }

  protected claim(limit: number): Promise<ReviewClaim[]> {
    return systemTransaction(this.system, async (m) => {
      const now = this.clock.now();
      const reviews = await this.claims.claimLapsedReviews(m, now, this.options.leaseMs, limit);
      const disputes = await this.claims.claimLapsedDisputes(m, now, this.options.leaseMs, Math.max(limit - reviews.length, 0));
      return [...reviews.map((c) => ({ ...c, kind: 'review' as const })), ...disputes.map((c) => ({ ...c, kind: 'dispute' as const }))];
    });
  }

  protected describe(claim: ReviewClaim): string {
    return `time week ${claim.kind} ${claim.id}`;
  }

  protected handle(claim: ReviewClaim): Promise<'approved' | 'dropped' | 'skipped'> {
    return this.tx.run({ accountId: claim.account_id, workspaceId: claim.workspace_id }, async (manager) => {
      const now = this.clock.now();
      if (claim.kind === 'review') {
        const week = await this.weeks.findById(manager, claim.id, true);
        if (!week) return 'skipped';
        if (week.status === 'in_review' && new Date(week.review_due_at) <= now) {
          return (await this.approvals.approveReview(manager, week, 'review_lapsed', null)) ? 'approved' : 'skipped';
        }
        await this.weeks.releaseClaim(manager, week.id);
        return 'skipped';
      }
      const first = await this.weeks.findDispute(manager, claim.id);
      if (!first) return 'skipped';
      // The week's lock first, as every dispute step takes it: one order, no deadlock.
      await this.weeks.findById(manager, first.week_id, true);
      const dispute = await this.weeks.findDispute(manager, claim.id, true);
      if (!dispute || dispute.status !== 'open') return 'skipped';
      if (new Date(dispute.respond_by) > now) {
        await this.weeks.releaseDisputeClaim(manager, dispute.entry_id);
        return 'skipped';
      }
      await this.weeks.closeDispute(manager, dispute.entry_id, 'lapsed', null, now);
      return 'dropped';
    });
  }
}
