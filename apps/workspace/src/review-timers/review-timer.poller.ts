import { Inject, Injectable } from '@nestjs/common';
import { LeasedClaimsJob } from '@fpms/common/scheduling/leased-claims-job';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { Clock } from '@fpms/common/scheduling/clock';
import { MilestoneLifecycle } from '../milestones/milestone-lifecycle';
import { frozen, timerTransition } from '../milestones/milestone-state-machine';
import { MilestonesRepository, stateOf } from '../milestones/milestones.repository';
import { nextReminderAt } from './review-schedule';
import { ReviewTimersRepository, TimerRow } from './review-timers.repository';
import { ReviewTimerClaimsRepository } from './review-timer-claims.repository';
import { systemTransaction } from '@fpms/database/tenant-manager';

export const REVIEW_TIMER_OPTIONS = Symbol('REVIEW_TIMER_OPTIONS');

export interface ReviewTimerOptions {
  /** Poll interval; 0 disables the background loop (tests call runOnce). */
  pollIntervalMs: number;
  /** How long a claim keeps other replicas away from a timer. */
  leaseMs: number;
  batchSize: number;
}

type TimerOutcome = 'approved' | 'reminded';

/**
 * Approves submissions whose review window lapsed and sends reminders before that. Runs in
 * every replica: claims are leased under FOR UPDATE SKIP LOCKED on the system pool (timers
 * are cross-tenant by nature), then each timer is applied in its tenant's own transaction
 * on the runtime pool, re-checked under the milestone's row lock, so it runs once even if
 * a lease expired mid-work. Timers live in the database, so they survive restarts.
 */
@Injectable()
export class ReviewTimerPoller extends LeasedClaimsJob<TimerRow, TimerOutcome> {
  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly tx: TenantTransactions,
    private readonly timers: ReviewTimersRepository,
    private readonly claims: ReviewTimerClaimsRepository,
    private readonly milestones: MilestonesRepository,
    private readonly lifecycle: MilestoneLifecycle,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(REVIEW_TIMER_OPTIONS) private readonly options: ReviewTimerOptions,
  ) {
    super(ReviewTimerPoller.name, options.pollIntervalMs, options.batchSize, ['approved', 'reminded']);
  }

  /** Everything due now (by the injected clock), a batch at a time. */
  protected claim(limit: number): Promise<TimerRow[]> {
    return systemTransaction(this.system, (m) => this.claims.claimDue(m, this.clock.now(), this.options.leaseMs, limit));
  }

  protected describe(timer: TimerRow): string {
    return `review timer ${timer.milestone_id}`;
  }

  protected handle(claimed: TimerRow): Promise<TimerOutcome | 'skipped'> {
    return this.tx.run({ accountId: claimed.account_id, workspaceId: claimed.workspace_id }, async (manager) => {
      const now = this.clock.now();
      const milestone = await this.milestones.find(manager, claimed.workspace_id, claimed.milestone_id, true);
      const timer = await this.timers.find(manager, claimed.milestone_id, true);
      if (!milestone || !timer) return 'skipped';
      const state = stateOf(milestone);
      if (milestone.status !== 'submitted' || frozen(state)) {
        // Frozen (in-app dispute or chargeback) or out of review without the timer being cleared: never approve.
        if (state.work === 'submitted' && frozen(state)) await this.timers.pause(manager, timer.milestone_id, now);
        else await this.timers.remove(manager, timer.milestone_id);
        return 'skipped';
      }
      if (new Date(timer.due_at) <= now) {
        await this.lifecycle.apply(manager, milestone, 'auto_approve', timerTransition(state, 'auto_approve'), { kind: 'review_timer' });
        return 'approved';
      }
      if (timer.next_reminder_at && new Date(timer.next_reminder_at) <= now) {
        await this.lifecycle.remind(manager, milestone);
        await this.timers.reminded(manager, timer.milestone_id, nextReminderAt(new Date(timer.due_at), now));
        return 'reminded';
      }
      await this.timers.release(manager, timer.milestone_id);
      return 'skipped';
    });
  }
}
