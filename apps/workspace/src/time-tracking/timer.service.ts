import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { Clock } from '@fpms/common/scheduling/clock';
import { TimeEntryView, TimerStoppedView, TimerView } from '@fpms/contracts';
import { idempotent } from '@fpms/database/idempotency';
import { assertNotLocked, EntitlementsReader } from '@fpms/platform/entitlements';
import { Actor } from '../access/actor';
import { WorkspaceAccess } from '../access/workspace-access';
import { EndedEntry, TimeEntriesRepository, toTimeEntryView } from './time-entries.repository';
import { TimeEntriesService } from './time-entries.service';
import { TimeEntryRecords } from './time-entry-records';
import { TimeTrackingError } from './time-tracking.errors';
import { WeeklyCap } from './weekly-cap';

/**
 * The timer: a time entry without an end. One runs per user across every workspace — the
 * database's partial unique index decides between concurrent starts on any replica — and
 * stopping it gives the entry its end (the day and week it counts in are its start's).
 */
@Injectable()
export class TimerService {
  constructor(
    private readonly access: WorkspaceAccess,
    private readonly entries: TimeEntriesRepository,
    private readonly manual: TimeEntriesService,
    private readonly cap: WeeklyCap,
    private readonly records: TimeEntryRecords,
    private readonly entitlements: EntitlementsReader,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  get(actor: Actor, workspaceId: string): Promise<TimerView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.LogTime, async (manager) => {
      const running = await this.entries.runningTimer(manager, workspaceId, actor.userId);
      return { running: running ? toTimeEntryView(running) : null };
    });
  }

  start(actor: Actor, workspaceId: string, input: { note?: string; taskId?: string; milestoneId?: string }): Promise<TimeEntryView> {
    return this.access.run(
      actor,
      workspaceId,
      WorkspaceAction.LogTime,
      idempotent(actor, async (manager, scope) => {
        assertNotLocked(await this.entitlements.forAccount(manager, scope.accountId));
        await this.manual.checkReferences(manager, workspaceId, input);
        const now = this.clock.now();
        const { weekStart } = await this.entries.localWeek(manager, scope.accountId, now);
        if (await this.entries.weekLocked(manager, workspaceId, weekStart)) throw TimeTrackingError.locked({ weekStart });
        await this.cap.assertPaidUp(manager, workspaceId);
        // A week already at its cap takes no more time: refused now rather than clipped to nothing at the stop.
        await this.cap.assertFits(manager, workspaceId, weekStart, 1);
        const row = await this.entries.insert(manager, {
          id: randomUUID(),
          accountId: scope.accountId,
          workspaceId,
          userId: actor.userId,
          startedAt: now,
          endedAt: null,
          note: input.note ?? null,
          taskId: input.taskId ?? null,
          milestoneId: input.milestoneId ?? null,
          source: 'timer',
          now,
        });
        return toTimeEntryView(row);
      }),
    );
  }

  /**
   * Stops the caller's timer in this workspace. The time ran whatever the cap says, but the
   * client agreed to pay for no more than the cap: the entry ends where the week's cap was
   * reached (`clippedToCap`), and nothing is recorded if none was left (or no time passed).
   */
  stop(actor: Actor, workspaceId: string): Promise<TimerStoppedView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.LogTime, async (manager, scope) => {
      const running = await this.entries.runningTimer(manager, workspaceId, actor.userId, true);
      if (!running) throw TimeTrackingError.noTimerRunning();
      const startedAt = new Date(running.started_at);
      const { weekStart } = await this.entries.localWeek(manager, scope.accountId, startedAt);
      const ranSeconds = Math.floor((this.clock.now().getTime() - startedAt.getTime()) / 1000);
      const cap = await this.cap.remainingSeconds(manager, workspaceId, weekStart);
      const seconds = cap ? Math.min(ranSeconds, cap.remaining) : ranSeconds;
      if (seconds <= 0) {
        await this.entries.remove(manager, running.id);
        return { entry: null, clippedToCap: ranSeconds > 0 };
      }
      const entry = (await this.entries.update(
        manager,
        running.id,
        {
          startedAt,
          endedAt: new Date(startedAt.getTime() + seconds * 1000),
          note: running.note,
          taskId: running.task_id,
          milestoneId: running.milestone_id,
        },
        this.clock.now(),
      )) as EndedEntry;
      await this.records.changed(manager, 'recorded', null, entry, actor);
      return { entry: toTimeEntryView(entry), clippedToCap: seconds < ranSeconds };
    });
  }
}
