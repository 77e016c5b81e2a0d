import { Inject, Injectable } from '@nestjs/common';
import { TimeEntryEventData, WorkspaceEvents } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import { OutboxWriter } from '@fpms/messaging';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { durationSeconds, EndedEntry } from './time-entries.repository';
import { TimeTotalsRepository } from './time-totals.repository';

type Change = 'recorded' | 'updated' | 'deleted';

const EVENT_OF: Record<Change, TimeEntryEventType> = {
  recorded: WorkspaceEvents.timeEntryRecorded,
  updated: WorkspaceEvents.timeEntryUpdated,
  deleted: WorkspaceEvents.timeEntryDeleted,
};
type TimeEntryEventType = (typeof WorkspaceEvents)['timeEntryRecorded' | 'timeEntryUpdated' | 'timeEntryDeleted'];

/**
 * What follows every change of an ended entry, in its transaction: the read model's delta
 * (the old entry out, the new one in) and the outbox event billing's weekly cycle will count.
 */
@Injectable()
export class TimeEntryRecords {
  constructor(
    private readonly totals: TimeTotalsRepository,
    private readonly outbox: OutboxWriter,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async changed(
    manager: TenantManager,
    change: Change,
    before: EndedEntry | null,
    after: EndedEntry | null,
    actor: { userId: string; requestId?: string },
  ): Promise<void> {
    if (before) await this.totals.subtract(manager, before);
    if (after) await this.totals.add(manager, after);
    const e = (after ?? before)!;
    const data: TimeEntryEventData = {
      entryId: e.id,
      workspaceId: e.workspace_id,
      accountId: e.account_id,
      userId: e.user_id,
      startedAt: new Date(e.started_at).toISOString(),
      endedAt: new Date(e.ended_at).toISOString(),
      durationSeconds: durationSeconds(e),
      day: e.local_day,
      weekStart: e.week_start,
      taskId: e.task_id,
      milestoneId: e.milestone_id,
      source: e.source,
      actorUserId: actor.userId,
    };
    await this.outbox.add(manager, {
      type: EVENT_OF[change],
      tenant: { accountId: e.account_id, workspaceId: e.workspace_id },
      aggregateId: e.id,
      aggregateVersion: e.version + (change === 'deleted' ? 1 : 0),
      requestId: actor.requestId,
      occurredAt: this.clock.now().toISOString(),
      data,
    });
  }
}
