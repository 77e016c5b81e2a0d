import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@fpms/common/scheduling/clock';
import { BillableEntry, TimesheetEvents } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { HourlyContractsRepository } from './hourly-contracts.repository';
import { durationSeconds, EndedEntry } from './time-entries.repository';
import { TimeWeekEvents } from './time-week-events';
import { TimeWeekRow, TimeWeeksRepository } from './time-weeks.repository';

const billable = (e: EndedEntry): BillableEntry => ({
  entryId: e.id,
  userId: e.user_id,
  day: e.local_day,
  seconds: durationSeconds(e),
  taskId: e.task_id,
  milestoneId: e.milestone_id,
  note: e.note,
});

/**
 * Approving a week's hours for billing, always under the week's row lock (taken by the
 * caller), so that an accept and the lapse racing on two replicas approve once: batch 0 is
 * the review's (every entry not disputed, or whose dispute was withdrawn; conceded and lapsed
 * ones are never billed); each dispute settled as billable after that is a batch of its own.
 * An empty batch is not sent: billing would have nothing to charge.
 */
@Injectable()
export class TimeWeekApprovals {
  constructor(
    private readonly weeks: TimeWeeksRepository,
    private readonly contracts: HourlyContractsRepository,
    private readonly events: TimeWeekEvents,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Approves batch 0; false if the week is no longer in review (approved meanwhile). */
  async approveReview(
    manager: TenantManager,
    week: TimeWeekRow,
    by: 'client' | 'review_lapsed',
    actorUserId: string | null,
    requestId?: string,
  ): Promise<boolean> {
    if (week.status !== 'in_review') return false;
    const now = this.clock.now();
    const disputes = await this.weeks.disputes(manager, week.id);
    const heldOut = new Set(disputes.filter((d) => d.status !== 'withdrawn').map((d) => d.entry_id));
    const entries = (await this.weeks.entries(manager, week.workspace_id, week.week_start)).filter((e) => !heldOut.has(e.id));
    await this.weeks.approve(manager, week.id, by, actorUserId, now);
    const open = disputes.filter((d) => d.status === 'open').map((d) => d.entry_id);
    await this.send(manager, { ...week, status: 'approved' }, 0, by, actorUserId, entries, open, requestId);
    return true;
  }

  /** A dispute settled as billable after batch 0 went out: its entry is the next batch. */
  async approveSettled(manager: TenantManager, week: TimeWeekRow, entry: EndedEntry, actorUserId: string | null, requestId?: string) {
    const batch = await this.weeks.takeBatchNumber(manager, week.id);
    const open = (await this.weeks.disputes(manager, week.id)).filter((d) => d.status === 'open').map((d) => d.entry_id);
    await this.send(manager, week, batch, 'dispute_settled', actorUserId, [entry], open, requestId);
  }

  private async send(
    manager: TenantManager,
    week: TimeWeekRow,
    batch: number,
    approvedBy: 'client' | 'review_lapsed' | 'dispute_settled',
    actorUserId: string | null,
    entries: EndedEntry[],
    disputedEntryIds: string[],
    requestId?: string,
  ): Promise<void> {
    if (entries.length === 0) return;
    const contract = (await this.contracts.find(manager, week.contract_id))!;
    const items = entries.map(billable);
    const billableSeconds = items.reduce((n, e) => n + e.seconds, 0);
    await this.weeks.insertBatch(manager, week, {
      batch,
      approvedBy,
      now: this.clock.now(),
      entryIds: items.map((e) => e.entryId),
      billableSeconds,
    });
    await this.events.publish(
      manager,
      week,
      {
        type: TimesheetEvents.weekApproved,
        data: {
          ...this.events.ref(week),
          batch,
          approvedBy,
          actorUserId,
          rateMinor: Number(contract.rate_minor),
          currency: contract.currency as never,
          entries: items,
          billableSeconds,
          disputedEntryIds,
        },
      },
      requestId,
    );
  }
}
