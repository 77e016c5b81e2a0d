import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { Clock } from '@fpms/common/scheduling/clock';
import { TimeEntryView, TimeSummaryView, UpdateTimeEntryBody } from '@fpms/contracts';
import { idempotent } from '@fpms/database/idempotency';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { assertNotLocked, EntitlementsReader } from '@fpms/platform/entitlements';
import { Actor } from '../access/actor';
import { WorkspaceAccess } from '../access/workspace-access';
import { AccountTimeZoneRepository } from './account-time-zone.repository';
import { HourlyContractsRepository } from './hourly-contracts.repository';
import { daysOfWeek, mondayOfIsoWeek } from './iso-week';
import { durationSeconds, EndedEntry, TimeEntriesRepository, toTimeEntryView } from './time-entries.repository';
import { TimeEntryRecords } from './time-entry-records';
import { TimeTotalsRepository } from './time-totals.repository';
import { TimeTrackingError } from './time-tracking.errors';
import { WeeklyCap } from './weekly-cap';

/** A manual entry spans at most a day (a longer one is almost always a typo). */
export const MANUAL_ENTRY_MAX_HOURS = 24;

const minutes = (seconds: number) => Math.round(seconds / 60);

/** Manual time entries and the week's timesheet. */
@Injectable()
export class TimeEntriesService {
  constructor(
    private readonly access: WorkspaceAccess,
    private readonly entries: TimeEntriesRepository,
    private readonly totals: TimeTotalsRepository,
    private readonly contracts: HourlyContractsRepository,
    private readonly timeZones: AccountTimeZoneRepository,
    private readonly cap: WeeklyCap,
    private readonly records: TimeEntryRecords,
    private readonly entitlements: EntitlementsReader,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  create(
    actor: Actor,
    workspaceId: string,
    input: { startedAt: string; endedAt: string; note?: string; taskId?: string; milestoneId?: string },
  ): Promise<TimeEntryView> {
    return this.access.run(
      actor,
      workspaceId,
      WorkspaceAction.LogTime,
      idempotent(actor, async (manager, scope) => {
        // Logged hours are new work the client will pay for: refused while the account is locked.
        assertNotLocked(await this.entitlements.forAccount(manager, scope.accountId));
        const span = this.checkSpan(new Date(input.startedAt), new Date(input.endedAt));
        await this.checkReferences(manager, workspaceId, input);
        const { weekStart } = await this.entries.localWeek(manager, scope.accountId, span.startedAt);
        if (await this.entries.weekLocked(manager, workspaceId, weekStart)) throw TimeTrackingError.locked({ weekStart });
        await this.cap.assertPaidUp(manager, workspaceId);
        await this.cap.assertFits(manager, workspaceId, weekStart, span.seconds);
        const row = (await this.entries.insert(manager, {
          id: randomUUID(),
          accountId: scope.accountId,
          workspaceId,
          userId: actor.userId,
          startedAt: span.startedAt,
          endedAt: span.endedAt,
          note: input.note ?? null,
          taskId: input.taskId ?? null,
          milestoneId: input.milestoneId ?? null,
          source: 'manual',
          now: this.clock.now(),
        })) as EndedEntry;
        await this.records.changed(manager, 'recorded', null, row, actor);
        return toTimeEntryView(row);
      }),
    );
  }

  list(actor: Actor, workspaceId: string, q: { limit: number; before?: string; userId?: string; from?: string; to?: string }) {
    return this.access.run(actor, workspaceId, WorkspaceAction.ReadTime, async (manager) => {
      const { rows, nextBefore } = await this.entries.list(manager, workspaceId, q);
      return { items: rows.map(toTimeEntryView), nextBefore };
    });
  }

  update(actor: Actor, workspaceId: string, entryId: string, changes: UpdateTimeEntryBody): Promise<TimeEntryView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.LogTime, async (manager, scope) => {
      const before = await this.requireOwn(manager, actor, workspaceId, entryId);
      if (changes.expectedVersion !== undefined && changes.expectedVersion !== before.version)
        throw TimeTrackingError.staleVersion(changes.expectedVersion, before.version);
      const moved = changes.startedAt !== undefined || changes.endedAt !== undefined;
      const startedAt = changes.startedAt !== undefined ? new Date(changes.startedAt) : new Date(before.started_at);
      const endedAt = changes.endedAt !== undefined ? new Date(changes.endedAt) : new Date(before.ended_at);
      const span = moved ? this.checkSpan(startedAt, endedAt) : { startedAt, endedAt, seconds: durationSeconds(before) };
      const next = {
        taskId: changes.taskId === undefined ? before.task_id : changes.taskId,
        milestoneId: changes.milestoneId === undefined ? before.milestone_id : changes.milestoneId,
        note: changes.note === undefined ? before.note : changes.note,
      };
      await this.checkReferences(manager, workspaceId, {
        taskId: changes.taskId ?? undefined,
        milestoneId: changes.milestoneId ?? undefined,
      });
      const { weekStart } = await this.entries.localWeek(manager, scope.accountId, span.startedAt);
      if (weekStart !== before.week_start && (await this.entries.weekLocked(manager, workspaceId, weekStart)))
        throw TimeTrackingError.locked({ weekStart });
      await this.cap.assertFits(
        manager,
        workspaceId,
        weekStart,
        span.seconds,
        weekStart === before.week_start ? durationSeconds(before) : 0,
      );
      const after = (await this.entries.update(manager, entryId, { ...span, ...next }, this.clock.now())) as EndedEntry;
      await this.records.changed(manager, 'updated', before, after, actor);
      return toTimeEntryView(after);
    });
  }

  remove(actor: Actor, workspaceId: string, entryId: string): Promise<{ removed: true }> {
    return this.access.run(actor, workspaceId, WorkspaceAction.LogTime, async (manager) => {
      const before = await this.requireOwn(manager, actor, workspaceId, entryId);
      await this.entries.remove(manager, entryId);
      await this.records.changed(manager, 'deleted', before, null, actor);
      return { removed: true as const };
    });
  }

  /** The week's timesheet from the read model: per day, member (and their days), task and milestone. */
  summary(actor: Actor, workspaceId: string, q: { week: string; userId?: string }): Promise<TimeSummaryView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ReadTime, async (manager, scope) => {
      const weekStart = mondayOfIsoWeek(q.week);
      const rows = await this.totals.week(manager, workspaceId, weekStart, q.userId);
      const days = daysOfWeek(weekStart);
      const sum = <K>(key: (r: (typeof rows)[number]) => K) => {
        const by = new Map<K, number>();
        for (const r of rows) by.set(key(r), (by.get(key(r)) ?? 0) + Number(r.seconds));
        return by;
      };
      const perDay = sum((r) => r.day);
      const perMember = sum((r) => r.user_id);
      const perMemberDay = sum((r) => `${r.user_id} ${r.day}`);
      const contract = await this.contracts.current(manager, workspaceId);
      const totalSeconds = rows.reduce((n, r) => n + Number(r.seconds), 0);
      return {
        week: q.week,
        weekStart,
        timeZone: await this.timeZones.get(manager, scope.accountId),
        totalMinutes: minutes(totalSeconds),
        entries: rows.reduce((n, r) => n + r.entries, 0),
        days: days.map((day) => ({ day, minutes: minutes(perDay.get(day) ?? 0) })),
        members: [...perMember.entries()].map(([userId, seconds]) => ({
          userId,
          minutes: minutes(seconds),
          days: days.map((day) => ({ day, minutes: minutes(perMemberDay.get(`${userId} ${day}`) ?? 0) })),
        })),
        tasks: [...sum((r) => r.task_id).entries()].map(([taskId, seconds]) => ({ taskId, minutes: minutes(seconds) })),
        milestones: [...sum((r) => r.milestone_id).entries()].map(([milestoneId, seconds]) => ({ milestoneId, minutes: minutes(seconds) })),
        weeklyCapHours: contract?.status === 'active' ? contract.weekly_cap_hours : null,
      };
    });
  }

  /** An entry of the caller's that still changes: others' entries are theirs, a billed week's are final. */
  private async requireOwn(manager: TenantManager, actor: Actor, workspaceId: string, entryId: string): Promise<EndedEntry> {
    const row = (await this.entries.find(manager, workspaceId, entryId, true)) as EndedEntry | null;
    if (!row) throw TimeTrackingError.entryNotFound(entryId);
    if (row.user_id !== actor.userId) throw TimeTrackingError.notAuthor(entryId);
    if (row.locked_at) throw TimeTrackingError.locked({ entryId, weekStart: row.week_start });
    return row;
  }

  private checkSpan(startedAt: Date, endedAt: Date): { startedAt: Date; endedAt: Date; seconds: number } {
    if (endedAt.getTime() <= startedAt.getTime()) throw TimeTrackingError.invalidSpan();
    if (endedAt.getTime() > this.clock.now().getTime()) throw TimeTrackingError.inFuture(endedAt.toISOString());
    const seconds = Math.round((endedAt.getTime() - startedAt.getTime()) / 1000);
    if (seconds > MANUAL_ENTRY_MAX_HOURS * 3600) throw TimeTrackingError.tooLong(MANUAL_ENTRY_MAX_HOURS);
    return { startedAt, endedAt, seconds };
  }

  /** A task or milestone named must be this workspace's (RLS hides every other tenant's anyway). */
  async checkReferences(manager: TenantManager, workspaceId: string, ref: { taskId?: string; milestoneId?: string }): Promise<void> {
    if (ref.taskId && !(await this.entries.taskExists(manager, workspaceId, ref.taskId))) throw TimeTrackingError.unknownTask(ref.taskId);
    if (ref.milestoneId && !(await this.entries.milestoneExists(manager, workspaceId, ref.milestoneId)))
      throw TimeTrackingError.unknownMilestone(ref.milestoneId);
  }
}
