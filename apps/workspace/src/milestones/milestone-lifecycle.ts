import { Inject, Injectable } from '@nestjs/common';
import { DisputeResolvedData, MilestoneEventData, MilestoneEventType, WorkspaceEvents } from '@fpms/contracts';
import { OutboxWriter } from '@fpms/messaging';
import { ActivityLogRepository } from '../activity/activity-log.repository';
import { Clock } from '@fpms/common/scheduling/clock';
import { DashboardProjectionRepository } from '../dashboard/dashboard-projection.repository';
import { MilestoneFacts } from '../dashboard/dashboard-contributions';
import { nextReminderAt, reviewDueAt } from '../review-timers/review-schedule';
import { ReviewTimersRepository } from '../review-timers/review-timers.repository';
import { StaleApprovals } from '../approvals/stale-approvals';
import { CLOSED_STATUSES, frozen, MilestoneCommand, settling, Transition } from './milestone-state-machine';
import { MilestoneRow, MilestonesRepository, stateOf } from './milestones.repository';
import type { TenantManager } from '@fpms/database/tenant-manager';

/** Who caused a transition: a member, the review timer, or billing (money). */
export type TransitionCause =
  | { kind: 'user'; userId: string; requestId: string }
  | { kind: 'review_timer' }
  /** A platform admin's resolution, or the dispute's response deadline. */
  | { kind: 'dispute'; adminUserId: string | null; requestId?: string }
  | { kind: 'billing'; eventId: string; eventType: string; requestId?: string; billingVersion: number };

const EVENT_OF: Partial<Record<MilestoneCommand, MilestoneEventType>> = {
  propose: WorkspaceEvents.milestoneProposed,
  decline: WorkspaceEvents.milestoneDeclined,
  accept: WorkspaceEvents.milestoneAccepted,
  start_funding: WorkspaceEvents.milestoneFundingRequested,
  submit: WorkspaceEvents.milestoneSubmitted,
  request_changes: WorkspaceEvents.milestoneChangesRequested,
  approve: WorkspaceEvents.milestoneApproved,
  auto_approve: WorkspaceEvents.milestoneApproved,
  cancel: WorkspaceEvents.milestoneCancelled,
  request_refund: WorkspaceEvents.milestoneRefundRequested,
  open_dispute: WorkspaceEvents.milestoneDisputeOpened,
  withdraw_dispute: WorkspaceEvents.milestoneDisputeWithdrawn,
  resolve_dispute: WorkspaceEvents.milestoneDisputeResolved,
};

export const factsOf = (r: MilestoneRow): MilestoneFacts => {
  const state = stateOf(r);
  return {
    status: r.status,
    amount: Number(r.amount),
    currency: r.currency,
    dueDate: r.due_date,
    money: state.money,
    inAppDispute: state.disputeOpenedBy !== null,
  };
};

/**
 * Applies a transition the state machine allowed, with everything that must commit with
 * it: the row, the review timer, the activity entry, the outbox event and the dashboard
 * delta. One place, whoever caused it (member, timer, billing event).
 */
@Injectable()
export class MilestoneLifecycle {
  constructor(
    private readonly milestones: MilestonesRepository,
    private readonly timers: ReviewTimersRepository,
    private readonly activity: ActivityLogRepository,
    private readonly outbox: OutboxWriter,
    private readonly dashboards: DashboardProjectionRepository,
    private readonly staleApprovals: StaleApprovals,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async apply(
    manager: TenantManager,
    row: MilestoneRow,
    command: MilestoneCommand,
    t: Transition,
    cause: TransitionCause,
    extra: { deliverableFileVersionId?: string; note?: string; dispute?: DisputeResolvedData['dispute'] } = {},
  ): Promise<MilestoneRow> {
    const now = this.clock.now();
    const approving = t.after.work === 'approved' && t.before.work !== 'approved';
    await this.milestones.changeStatus(manager, row.id, {
      status: t.to,
      state: t.after,
      deliverableFileVersionId: command === 'submit' ? extra.deliverableFileVersionId : undefined,
      submittedAt: command === 'submit' ? now : undefined,
      approvedAt: approving ? now : undefined,
      approvedBy: approving ? (cause.kind === 'review_timer' ? 'auto' : 'client') : undefined,
      billingVersion: cause.kind === 'billing' ? cause.billingVersion : undefined,
      now,
    });
    await this.moveTimer(manager, row, command, t, now);

    const scope = { accountId: row.account_id, workspaceId: row.workspace_id };
    const by = cause.kind === 'user' ? 'member' : cause.kind;
    await this.activity.record(manager, {
      ...scope,
      actorUserId: cause.kind === 'user' ? cause.userId : cause.kind === 'dispute' ? cause.adminUserId : null,
      action: 'milestone.status_changed',
      targetType: 'milestone',
      targetId: row.id,
      before: { status: t.from, ...(cause.kind === 'billing' ? { money: t.before.money } : {}) },
      after: {
        status: t.to,
        ...(cause.kind === 'billing' ? { money: t.after.money } : {}),
        command,
        by,
        ...(cause.kind === 'billing' ? { event: cause.eventType, eventId: cause.eventId } : {}),
        ...(command === 'submit' ? { deliverableFileVersionId: extra.deliverableFileVersionId } : {}),
        ...(extra.note ? { note: extra.note } : {}),
      },
      requestId:
        cause.kind === 'user' || cause.kind === 'dispute'
          ? cause.requestId
          : cause.kind === 'billing'
            ? (cause.requestId ?? cause.eventId)
            : undefined,
    });
    await this.dashboards.milestoneChanged(manager, scope, factsOf(row), {
      ...factsOf(row),
      status: t.to,
      money: t.after.money,
      inAppDispute: t.after.disputeOpenedBy !== null,
    });

    const updated = (await this.milestones.find(manager, row.workspace_id, row.id))!;
    await this.staleApprovals.supersede(manager, row.id, t.after);
    const eventType = EVENT_OF[command];
    if (eventType) await this.publish(manager, updated, eventType, t.from, cause, extra.note, extra.dispute);
    return updated;
  }

  /** The review reminder: an event for messaging to notify the client; no state change. */
  async remind(manager: TenantManager, row: MilestoneRow): Promise<void> {
    await this.publish(manager, row, WorkspaceEvents.milestoneReviewReminder, null, { kind: 'review_timer' });
  }

  /**
   * The review window runs only while the work is submitted and nothing freezes it: a
   * (re)submission starts a full window, any freeze pauses it, lifting the last freeze
   * resumes it with the time it had left; anything else ends it.
   */
  private async moveTimer(manager: TenantManager, row: MilestoneRow, command: MilestoneCommand, t: Transition, now: Date): Promise<void> {
    // A decided dispute ends the review: what happens to the money is decided.
    if (t.after.work !== 'submitted' || CLOSED_STATUSES.includes(t.to) || settling(t.after)) {
      await this.timers.remove(manager, row.id);
    } else if (command === 'submit') {
      const dueAt = reviewDueAt(now, row.review_window_days);
      await this.timers.start(manager, {
        milestoneId: row.id,
        accountId: row.account_id,
        workspaceId: row.workspace_id,
        dueAt,
        nextReminderAt: nextReminderAt(dueAt, now),
      });
    } else if (frozen(t.after)) {
      await this.timers.pause(manager, row.id, now);
    } else if (frozen(t.before)) {
      await this.timers.resume(manager, row.id, now);
    }
  }

  private async publish(
    manager: TenantManager,
    m: MilestoneRow,
    type: MilestoneEventType,
    previousStatus: MilestoneEventData['previousStatus'],
    cause: TransitionCause,
    note?: string,
    dispute?: DisputeResolvedData['dispute'],
  ): Promise<void> {
    const data: MilestoneEventData | DisputeResolvedData = {
      milestoneId: m.id,
      workspaceId: m.workspace_id,
      accountId: m.account_id,
      title: m.title,
      description: m.description,
      amount: Number(m.amount),
      currency: m.currency,
      status: m.status,
      previousStatus,
      actorUserId: cause.kind === 'user' ? cause.userId : null,
      deliverableFileVersionId: m.deliverable_file_version_id,
      ...(m.status === 'approved' ? { approvedBy: m.approved_by ?? undefined } : {}),
      ...(m.status === 'submitted' ? { reviewDueAt: m.review_due_at ? new Date(m.review_due_at).toISOString() : null } : {}),
      ...(note ? { note } : {}),
      ...(dispute ? { dispute } : {}),
    };
    // One data type per event type: dispute_resolved's is the milestone's plus the decision.
    await this.outbox.add(manager, {
      type,
      tenant: { accountId: m.account_id, workspaceId: m.workspace_id },
      aggregateId: m.id,
      aggregateVersion: m.version,
      requestId: cause.kind === 'user' || cause.kind === 'dispute' ? cause.requestId : undefined,
      occurredAt: this.clock.now().toISOString(),
      data,
    } as Parameters<OutboxWriter['add']>[1]);
  }
}
