import { Inject, Injectable } from '@nestjs/common';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { Clock } from '@fpms/common/scheduling/clock';
import { TimesheetEvents, TimeWeekDetailView, TimeWeekEntryView, TimeWeekView } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { Actor } from '../access/actor';
import { WorkspaceAccess } from '../access/workspace-access';
import { durationSeconds, EndedEntry, toTimeEntryView } from './time-entries.repository';
import { TimeTrackingError } from './time-tracking.errors';
import { TimeWeekApprovals } from './time-week-approvals';
import { TimeWeekEvents } from './time-week-events';
import { TIME_WEEK_OPTIONS, TimeWeekOptions } from './time-week-options';
import { toDisputeView, toTimeWeekView, TimeWeekRow, TimeWeeksRepository } from './time-weeks.repository';

const DAY_MS = 86_400_000;

/**
 * The client's review of closed weeks: every member reads them; the client admin accepts a
 * week or disputes single entries while its review window runs, and withdraws a dispute
 * (the entry is billable again); the freelancer's owner concedes one (the entry is dropped).
 * Every step takes the week's row lock first, so steps racing on several replicas (an
 * accept and the lapse, a withdrawal and a concession) apply one after the other.
 */
@Injectable()
export class TimeWeeksService {
  constructor(
    private readonly access: WorkspaceAccess,
    private readonly weeks: TimeWeeksRepository,
    private readonly approvals: TimeWeekApprovals,
    private readonly events: TimeWeekEvents,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(TIME_WEEK_OPTIONS) private readonly options: TimeWeekOptions,
  ) {}

  list(actor: Actor, workspaceId: string): Promise<{ items: TimeWeekView[] }> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ReadTime, async (manager) => {
      const weeks = await this.weeks.list(manager, workspaceId);
      const batches = await this.weeks.batches(
        manager,
        weeks.map((w) => w.id),
      );
      return {
        items: weeks.map((w) =>
          toTimeWeekView(
            w,
            batches.filter((b) => b.week_id === w.id),
          ),
        ),
      };
    });
  }

  get(actor: Actor, workspaceId: string, weekStart: string): Promise<TimeWeekDetailView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ReadTime, async (manager) =>
      this.detail(manager, await this.week(manager, workspaceId, weekStart)),
    );
  }

  accept(actor: Actor, workspaceId: string, weekStart: string): Promise<TimeWeekDetailView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.AcceptHourlyContract, async (manager) => {
      const week = await this.week(manager, workspaceId, weekStart, true);
      // After the window too, until the lapse ran: the outcome is the same batch either way.
      if (!(await this.approvals.approveReview(manager, week, 'client', actor.userId, actor.requestId)))
        throw TimeTrackingError.reviewClosed(weekStart);
      return this.detail(manager, await this.week(manager, workspaceId, weekStart));
    });
  }

  dispute(actor: Actor, workspaceId: string, weekStart: string, entryId: string, reason: string): Promise<TimeWeekDetailView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.AcceptHourlyContract, async (manager) => {
      const now = this.clock.now();
      const week = await this.week(manager, workspaceId, weekStart, true);
      if (week.status !== 'in_review' || new Date(week.review_due_at) <= now) throw TimeTrackingError.reviewClosed(weekStart);
      const entry = (await this.weeks.entry(manager, workspaceId, weekStart, entryId)) as EndedEntry | null;
      if (!entry) throw TimeTrackingError.entryNotFound(entryId);
      const respondBy = new Date(now.getTime() + this.options.disputeResponseDays * DAY_MS);
      if (!(await this.weeks.openDispute(manager, { entryId, week, reason, by: actor.userId, now, respondBy })))
        throw TimeTrackingError.alreadyDisputed(entryId);
      await this.events.publish(
        manager,
        week,
        {
          type: TimesheetEvents.entryDisputed,
          data: {
            ...this.events.ref(week),
            entryId,
            userId: entry.user_id,
            seconds: durationSeconds(entry),
            reason,
            actorUserId: actor.userId,
          },
        },
        actor.requestId,
      );
      return this.detail(manager, week);
    });
  }

  /** The client admin withdraws a dispute: the entry is billable (its own batch if the week was approved meanwhile). */
  withdrawDispute(actor: Actor, workspaceId: string, weekStart: string, entryId: string): Promise<TimeWeekDetailView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.AcceptHourlyContract, (manager) =>
      this.settle(manager, actor, workspaceId, weekStart, entryId, 'withdrawn'),
    );
  }

  /** The freelancer's owner concedes a dispute: the entry is dropped, never billed. */
  concedeDispute(actor: Actor, workspaceId: string, weekStart: string, entryId: string): Promise<TimeWeekDetailView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ProposeHourlyContract, (manager) =>
      this.settle(manager, actor, workspaceId, weekStart, entryId, 'conceded'),
    );
  }

  private async settle(
    manager: TenantManager,
    actor: Actor,
    workspaceId: string,
    weekStart: string,
    entryId: string,
    outcome: 'withdrawn' | 'conceded',
  ): Promise<TimeWeekDetailView> {
    const week = await this.week(manager, workspaceId, weekStart, true);
    const dispute = await this.weeks.findDispute(manager, entryId, true);
    if (!dispute || dispute.week_id !== week.id) throw TimeTrackingError.disputeNotFound(entryId);
    if (dispute.status !== 'open') throw TimeTrackingError.disputeClosed(dispute.status);
    await this.weeks.closeDispute(manager, entryId, outcome, actor.userId, this.clock.now());
    if (outcome === 'withdrawn' && week.status === 'approved') {
      const entry = (await this.weeks.entry(manager, workspaceId, weekStart, entryId)) as EndedEntry;
      await this.approvals.approveSettled(manager, week, entry, actor.userId, actor.requestId);
    }
    return this.detail(manager, week);
  }

  private async week(manager: TenantManager, workspaceId: string, weekStart: string, lock = false): Promise<TimeWeekRow> {
    const week = await this.weeks.find(manager, workspaceId, weekStart, lock);
    if (!week) throw TimeTrackingError.weekNotFound(weekStart);
    return week;
  }

  private async detail(manager: TenantManager, week: TimeWeekRow): Promise<TimeWeekDetailView> {
    const fresh = (await this.weeks.findById(manager, week.id))!;
    const batches = await this.weeks.batches(manager, [week.id]);
    const disputes = new Map((await this.weeks.disputes(manager, week.id)).map((d) => [d.entry_id, d]));
    const batchOf = new Map(batches.flatMap((b) => b.entry_ids.map((id) => [id, b.batch] as const)));
    const entries: TimeWeekEntryView[] = (await this.weeks.entries(manager, week.workspace_id, week.week_start)).map((e) => {
      const dispute = disputes.get(e.id) ?? null;
      const batch = batchOf.get(e.id) ?? null;
      const review =
        dispute?.status === 'open'
          ? 'disputed'
          : dispute?.status === 'conceded' || dispute?.status === 'lapsed'
            ? 'dropped'
            : batch !== null
              ? 'approved'
              : 'in_review';
      return { ...toTimeEntryView(e), review, batch, dispute: dispute ? toDisputeView(dispute) : null };
    });
    return { ...toTimeWeekView(fresh, batches), entries };
  }
}
