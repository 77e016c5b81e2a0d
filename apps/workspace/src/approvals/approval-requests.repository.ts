import { Injectable } from '@nestjs/common';
import { ApprovalAction, ApprovalGateView, ApprovalLogEntry, ApprovalStatus } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { writeQuery } from '@fpms/database/write-query';

export interface ApprovalRequestRow {
  id: string;
  seq: string;
  account_id: string;
  workspace_id: string;
  milestone_id: string;
  action: ApprovalAction;
  side: 'client' | 'freelancer';
  status: ApprovalStatus;
  requested_by: string;
  amount: string;
  currency: string;
  policy_version: number;
  gates: ApprovalGateView[];
  current_gate: number | null;
  gate_opened_at: Date | null;
  escalated_gates: number[];
  next_timer_at: Date | null;
  payload: { deliverableFileVersionId?: string; note?: string };
  reason: string | null;
  version: number;
  created_at: Date;
  decided_at: Date | null;
}

export interface NewApprovalRequest {
  id: string;
  accountId: string;
  workspaceId: string;
  milestoneId: string;
  action: ApprovalAction;
  side: 'client' | 'freelancer';
  requestedBy: string;
  amount: number;
  currency: string;
  policyVersion: number;
  gates: ApprovalGateView[];
  payload: ApprovalRequestRow['payload'];
  now: Date;
  nextTimerAt: Date | null;
}

type LogEvent = ApprovalLogEntry['event'];

/** Approval requests and their gate log (append-only; one decision per member and request). */
@Injectable()
export class ApprovalRequestsRepository {
  async insert(manager: TenantManager, r: NewApprovalRequest): Promise<ApprovalRequestRow> {
    const [row]: ApprovalRequestRow[] = await manager.query(
      `insert into approval_requests (id, account_id, workspace_id, milestone_id, action, side, requested_by, amount, currency,
                                      policy_version, gates, current_gate, gate_opened_at, next_timer_at, payload, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12, $13, $14, $12)
       returning *`,
      [
        r.id,
        r.accountId,
        r.workspaceId,
        r.milestoneId,
        r.action,
        r.side,
        r.requestedBy,
        r.amount,
        r.currency,
        r.policyVersion,
        JSON.stringify(r.gates),
        r.now,
        r.nextTimerAt,
        JSON.stringify(r.payload),
      ],
    );
    return row;
  }

  async find(manager: TenantManager, workspaceId: string, id: string, lock: boolean): Promise<ApprovalRequestRow | null> {
    const [row]: ApprovalRequestRow[] = await manager.query(
      `select * from approval_requests where workspace_id = $1 and id = $2${lock ? ' for update' : ''}`,
      [workspaceId, id],
    );
    return row ?? null;
  }

  async findOpen(manager: TenantManager, milestoneId: string, action: ApprovalAction): Promise<ApprovalRequestRow | null> {
    const [row]: ApprovalRequestRow[] = await manager.query(
      `select * from approval_requests where milestone_id = $1 and action = $2 and status = 'pending' for update`,
      [milestoneId, action],
    );
    return row ?? null;
  }

  async openForMilestone(manager: TenantManager, milestoneId: string): Promise<ApprovalRequestRow[]> {
    return manager.query(`select * from approval_requests where milestone_id = $1 and status = 'pending' order by seq for update`, [
      milestoneId,
    ]);
  }

  async list(
    manager: TenantManager,
    workspaceId: string,
    filter: { status?: ApprovalStatus; milestoneId?: string; before?: string; limit: number },
  ): Promise<ApprovalRequestRow[]> {
    return manager.query(
      `select * from approval_requests
        where workspace_id = $1 and ($2::text is null or status = $2) and ($3::uuid is null or milestone_id = $3)
          and ($4::bigint is null or seq < $4)
        order by seq desc limit $5`,
      [workspaceId, filter.status ?? null, filter.milestoneId ?? null, filter.before ?? null, filter.limit],
    );
  }

  async openInWorkspace(manager: TenantManager, workspaceId: string): Promise<ApprovalRequestRow[]> {
    return manager.query(`select * from approval_requests where workspace_id = $1 and status = 'pending' order by seq`, [workspaceId]);
  }

  /** The gate moved on (or stayed, escalated/reminded): its timer and version follow. */
  async update(
    manager: TenantManager,
    id: string,
    change: {
      status: ApprovalStatus;
      currentGate: number | null;
      gateOpenedAt: Date | null;
      nextTimerAt: Date | null;
      escalatedGates?: number[];
      reason?: string | null;
      decidedAt: Date | null;
    },
  ): Promise<ApprovalRequestRow> {
    const {
      rows: [row],
    } = await writeQuery<ApprovalRequestRow>(
      manager,
      `update approval_requests
          set status = $2, current_gate = $3, gate_opened_at = $4, next_timer_at = $5,
              escalated_gates = coalesce($6::jsonb, escalated_gates), reason = coalesce($7, reason), decided_at = $8,
              timer_claimed_until = null, version = version + 1
        where id = $1 returning *`,
      [
        id,
        change.status,
        change.currentGate,
        change.gateOpenedAt,
        change.nextTimerAt,
        change.escalatedGates ? JSON.stringify(change.escalatedGates) : null,
        change.reason ?? null,
        change.decidedAt,
      ],
    );
    return row;
  }

  /** Ends a request (approved, rejected, cancelled, superseded): no gate, no timer any more. */
  close(manager: TenantManager, id: string, status: ApprovalStatus, reason: string | null, at: Date): Promise<ApprovalRequestRow> {
    return this.update(manager, id, { status, currentGate: null, gateOpenedAt: null, nextTimerAt: null, reason, decidedAt: at });
  }

  async log(
    manager: TenantManager,
    r: Pick<ApprovalRequestRow, 'id' | 'account_id' | 'workspace_id'>,
    entry: { event: LogEvent; gate: number | null; userId: string | null; reason: string | null; at: Date },
  ): Promise<void> {
    await manager.query(
      `insert into approval_log (request_id, account_id, workspace_id, event, gate, user_id, reason, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [r.id, r.account_id, r.workspace_id, entry.event, entry.gate, entry.userId, entry.reason, entry.at],
    );
  }

  async logOf(manager: TenantManager, requestIds: string[]): Promise<Map<string, ApprovalLogEntry[]>> {
    const byRequest = new Map<string, ApprovalLogEntry[]>(requestIds.map((id) => [id, []]));
    if (requestIds.length === 0) return byRequest;
    const rows: Array<{
      request_id: string;
      event: LogEvent;
      gate: number | null;
      user_id: string | null;
      reason: string | null;
      created_at: Date;
    }> = await manager.query(
      `select request_id, event, gate, user_id, reason, created_at from approval_log where request_id = any($1::uuid[]) order by id`,
      [requestIds],
    );
    for (const r of rows) {
      byRequest.get(r.request_id)?.push({
        event: r.event,
        gate: r.gate,
        userId: r.user_id,
        reason: r.reason,
        at: new Date(r.created_at).toISOString(),
      });
    }
    return byRequest;
  }

  /** Lets go of a timer claim without a change (nothing was due after all). */
  async releaseTimerClaim(manager: TenantManager, id: string): Promise<void> {
    await manager.query(`update approval_requests set timer_claimed_until = null where id = $1`, [id]);
  }
}
