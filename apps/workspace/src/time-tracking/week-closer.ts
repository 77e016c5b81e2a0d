import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '@fpms/common/scheduling/clock';
import { TimesheetEvents } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { AccountTimeZoneRepository } from './account-time-zone.repository';
import { HourlyContractsRepository } from './hourly-contracts.repository';
import { EndedEntry, TimeEntriesRepository, TimeEntryRow } from './time-entries.repository';
import { TimeEntryRecords } from './time-entry-records';
import { TIME_WEEK_OPTIONS, TimeWeekOptions } from './time-week-options';
import { TimeWeekEvents } from './time-week-events';
import { TimeWeeksRepository } from './time-weeks.repository';
import { WeeklyCap } from './weekly-cap';

const DAY_MS = 86_400_000;
/** A workspace idle for longer than this closes the rest in the next round. */
const MAX_WEEKS_PER_CLOSE = 60;

/**
 * Closes a workspace's ended weeks, oldest first, in one tenant transaction: each becomes a
 * `time_weeks` row (once: unique per workspace and week), its entries are locked and
 * `workspace.time_week.closed` opens the client's review. The account row is locked first,
 * so an entry being written (entry writes share-lock it) either committed before the close,
 * and is in the week, or waits and then finds the week closed (409 time_entry_locked).
 *
 * A timer running across Monday 00:00 is ended at the boundary (clipped to the weekly cap
 * like a stop) and a continuing timer starts at the boundary: the closed week's hours are
 * billable now, and the timer keeps running in the new week.
 */
@Injectable()
export class WeekCloser {
  private readonly logger = new Logger(WeekCloser.name);

  constructor(
    private readonly weeks: TimeWeeksRepository,
    private readonly entries: TimeEntriesRepository,
    private readonly contracts: HourlyContractsRepository,
    private readonly timeZones: AccountTimeZoneRepository,
    private readonly cap: WeeklyCap,
    private readonly records: TimeEntryRecords,
    private readonly events: TimeWeekEvents,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(TIME_WEEK_OPTIONS) private readonly options: TimeWeekOptions,
  ) {}

  /** How many weeks it closed. */
  async closeDue(manager: TenantManager, accountId: string, workspaceId: string): Promise<number> {
    const timeZone = await this.timeZones.getForUpdate(manager, accountId);
    let closed = 0;
    for (let i = 0; i < MAX_WEEKS_PER_CLOSE; i++) {
      const now = this.clock.now();
      const due = await this.weeks.oldestDue(manager, workspaceId, timeZone, now);
      if (!due) break;
      const contract = await this.contracts.forWeek(manager, workspaceId, due.weekStart, true);
      if (!contract) break;
      for (const timer of await this.weeks.runningSince(manager, workspaceId, due.endsAt)) {
        await this.splitTimer(manager, timer, due.weekStart, due.endsAt, now);
      }
      const week = await this.weeks.insert(manager, {
        id: randomUUID(),
        accountId,
        workspaceId,
        contractId: contract.id,
        weekStart: due.weekStart,
        timeZone,
        closedAt: now,
        reviewDueAt: new Date(now.getTime() + this.options.reviewDays * DAY_MS),
      });
      if (!week) {
        // Closed already, yet an entry of it is unlocked: never expected (entry writes refuse closed weeks).
        this.logger.error(`week ${due.weekStart} of workspace ${workspaceId} is closed but has unlocked entries`);
        break;
      }
      const totals = await this.weeks.lockEntries(manager, week, now);
      await this.events.publish(manager, week, {
        type: TimesheetEvents.weekClosed,
        data: {
          ...this.events.ref(week),
          closedAt: now.toISOString(),
          reviewDueAt: new Date(week.review_due_at).toISOString(),
          ...totals,
        },
      });
      closed++;
    }
    return closed;
  }

  /** Ends a timer at the week's end (or where the week's cap ran out) and starts its continuation there. */
  private async splitTimer(manager: TenantManager, timer: TimeEntryRow, weekStart: string, endsAt: Date, now: Date): Promise<void> {
    const startedAt = new Date(timer.started_at);
    const ranSeconds = Math.floor((endsAt.getTime() - startedAt.getTime()) / 1000);
    const cap = await this.cap.remainingSeconds(manager, timer.workspace_id, weekStart);
    const seconds = cap ? Math.min(ranSeconds, cap.remaining) : ranSeconds;
    const fields = { note: timer.note, taskId: timer.task_id, milestoneId: timer.milestone_id };
    if (seconds <= 0) {
      await this.entries.remove(manager, timer.id);
    } else {
      const ended = (await this.entries.update(
        manager,
        timer.id,
        { startedAt, endedAt: new Date(startedAt.getTime() + seconds * 1000), ...fields },
        now,
      )) as EndedEntry;
      // The timer's owner recorded it: the close only placed its end.
      await this.records.changed(manager, 'recorded', null, ended, { userId: timer.user_id });
    }
    await this.entries.insert(manager, {
      id: randomUUID(),
      accountId: timer.account_id,
      workspaceId: timer.workspace_id,
      userId: timer.user_id,
      startedAt: endsAt,
      endedAt: null,
      ...fields,
      source: 'timer',
      now,
    });
  }
}
