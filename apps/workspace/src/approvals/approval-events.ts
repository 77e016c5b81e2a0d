import { Inject, Injectable } from '@nestjs/common';
import { ApprovalEventData, WorkspaceEvents } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { OutboxWriter } from '@fpms/messaging';
import { ActivityLogRepository } from '../activity/activity-log.repository';
import { ApprovalRequestRow } from './approval-requests.repository';

type ApprovalEventType =
  | typeof WorkspaceEvents.approvalRequested
  | typeof WorkspaceEvents.approvalGateOpened
  | typeof WorkspaceEvents.approvalReminder
  | typeof WorkspaceEvents.approvalEscalated
  | typeof WorkspaceEvents.approvalApproved
  | typeof WorkspaceEvents.approvalRejected;

/**
 * What a request's step leaves behind, in its transaction: the activity entry (who, when, why)
 * and, where someone must hear of it, the event messaging turns into notifications.
 */
@Injectable()
export class ApprovalRecords {
  constructor(
    private readonly activity: ActivityLogRepository,
    private readonly outbox: OutboxWriter,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async activityEntry(
    manager: TenantManager,
    row: ApprovalRequestRow,
    action: string,
    entry: { actorUserId: string | null; requestId?: string; gate: number | null; reason?: string | null; extra?: Record<string, unknown> },
  ): Promise<void> {
    await this.activity.record(manager, {
      accountId: row.account_id,
      workspaceId: row.workspace_id,
      actorUserId: entry.actorUserId,
      action,
      targetType: 'approval_request',
      targetId: row.id,
      after: {
        milestoneId: row.milestone_id,
        action: row.action,
        status: row.status,
        gate: entry.gate,
        gateName: entry.gate === null ? null : (row.gates[entry.gate]?.name ?? null),
        ...(entry.reason ? { reason: entry.reason } : {}),
        ...(entry.extra ?? {}),
      },
      requestId: entry.requestId,
    });
  }

  async publish(
    manager: TenantManager,
    type: ApprovalEventType,
    row: ApprovalRequestRow,
    facts: { milestoneTitle: string; approverUserIds: string[]; actorUserId: string | null; requestId?: string; reason?: string | null },
  ): Promise<void> {
    const gate = row.current_gate;
    const data: ApprovalEventData = {
      requestId: row.id,
      workspaceId: row.workspace_id,
      milestoneId: row.milestone_id,
      milestoneTitle: facts.milestoneTitle,
      action: row.action,
      status: row.status,
      requestedBy: row.requested_by,
      amount: Number(row.amount),
      currency: row.currency,
      gate,
      gateName: gate === null ? null : (row.gates[gate]?.name ?? null),
      approverUserIds: facts.approverUserIds,
      actorUserId: facts.actorUserId,
      reason: facts.reason ?? null,
    };
    await this.outbox.add(manager, {
      type,
      tenant: { accountId: row.account_id, workspaceId: row.workspace_id },
      aggregateId: row.id,
      aggregateVersion: row.version,
      requestId: facts.requestId,
      occurredAt: this.clock.now().toISOString(),
      data,
    });
  }
}
