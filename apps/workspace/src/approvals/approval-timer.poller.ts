import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WorkspaceEvents } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import { LeasedClaimsJob } from '@fpms/common/scheduling/leased-claims-job';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { MembersRepository } from '../members/members.repository';
import { MilestonesRepository } from '../milestones/milestones.repository';
import { ApprovalRecords } from './approval-events';
import { lockRequestAndMilestone } from './approval-locks';
import { APPROVAL_OPTIONS, ApprovalOptions } from './approval-options';
import { ApprovalRequestsRepository } from './approval-requests.repository';
import { approvalTransition } from './approval-state-machine';
import { waitingFor } from './approval-views';
import { ApprovalTimerClaim, CrossTenantApprovalsRepository } from './cross-tenant-approvals.repository';

const HOUR_MS = 3_600_000;

/**
 * A gate that waits: after APPROVAL_REMINDER_HOURS its approvers are reminded; after
 * APPROVAL_ESCALATION_HOURS the side's admin (client admin, or the owner) may pass it too and
 * is asked. The review window is not this poller's: it keeps running while a client-side chain
 * is pending, and auto-approval supersedes the request. Claimed like review timers (leases
 * under SKIP LOCKED), then re-checked in the tenant's transaction: each step once across replicas.
 */
@Injectable()
export class ApprovalTimerPoller extends LeasedClaimsJob<ApprovalTimerClaim, 'reminded' | 'escalated'> {
  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly tx: TenantTransactions,
    private readonly claims: CrossTenantApprovalsRepository,
    private readonly requests: ApprovalRequestsRepository,
    private readonly members: MembersRepository,
    private readonly milestones: MilestonesRepository,
    private readonly records: ApprovalRecords,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APPROVAL_OPTIONS) private readonly options: ApprovalOptions,
  ) {
    super(ApprovalTimerPoller.name, options.pollIntervalMs, options.batchSize, ['reminded', 'escalated']);
  }

  protected claim(limit: number): Promise<ApprovalTimerClaim[]> {
    return systemTransaction(this.system, (m) => this.claims.claimDue(m, this.clock.now(), this.options.leaseMs, limit));
  }

  protected describe(claim: ApprovalTimerClaim): string {
    return `approval timer ${claim.id}`;
  }

  protected handle(claim: ApprovalTimerClaim): Promise<'reminded' | 'escalated' | 'skipped'> {
    return this.tx.run({ accountId: claim.account_id, workspaceId: claim.workspace_id }, async (manager) => {
      const now = this.clock.now();
      const locked = await lockRequestAndMilestone(manager, this.requests, this.milestones, claim.workspace_id, claim.id);
      if (!locked) return 'skipped';
      const { row, milestone } = locked;
      if (row.status !== 'pending' || row.current_gate === null || !row.gate_opened_at || !row.next_timer_at) return 'skipped';
      if (new Date(row.next_timer_at) > now) {
        await this.requests.releaseTimerClaim(manager, row.id);
        return 'skipped';
      }
      const gate = row.current_gate;
      const openedAt = new Date(row.gate_opened_at);
      const escalationAt = new Date(openedAt.getTime() + this.options.escalationHours * HOUR_MS);
      const members = (await this.members.list(manager, row.workspace_id)).map((m) => ({ userId: m.userId, role: m.role }));
      const escalate = escalationAt <= now;
      const status = approvalTransition(row.status, escalate ? 'escalate' : 'remind');
      const updated = await this.requests.update(manager, row.id, {
        status,
        currentGate: gate,
        gateOpenedAt: openedAt,
        nextTimerAt: escalate ? null : escalationAt,
        escalatedGates: escalate ? [...row.escalated_gates, gate] : undefined,
        decidedAt: null,
      });
      const log = (await this.requests.logOf(manager, [row.id])).get(row.id) ?? [];
      await this.requests.log(manager, row, { event: escalate ? 'escalated' : 'reminded', gate, userId: null, reason: null, at: now });
      await this.records.activityEntry(manager, updated, escalate ? 'approval.escalated' : 'approval.reminded', {
        actorUserId: null,
        gate,
      });
      await this.records.publish(manager, escalate ? WorkspaceEvents.approvalEscalated : WorkspaceEvents.approvalReminder, updated, {
        milestoneTitle: milestone.title,
        approverUserIds: waitingFor(updated, log, members),
        actorUserId: null,
      });
      return escalate ? 'escalated' : 'reminded';
    });
  }
}
