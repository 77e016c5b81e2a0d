import { Injectable } from '@nestjs/common';
import { DisputeOutcome, MilestoneBillingMode, MilestoneView, UpdateMilestoneBody } from '@fpms/contracts';
import { MilestoneState, MilestoneStatus, WorkStatus } from './milestone-state-machine';
import type { TenantManager } from '@fpms/database/tenant-manager';

export interface MilestoneRow {
  id: string;
  seq: string;
  account_id: string;
  workspace_id: string;
  title: string;
  description: string | null;
  amount: string;
  currency: string;
  due_date: string | null;
  review_window_days: number;
  billing_mode: MilestoneBillingMode;
  /** What users see: derived from the fields below (visibleStatus), stored for lists, filters and dashboards. */
  status: MilestoneStatus;
  work_status: WorkStatus;
  dispute_opened_by: string | null;
  dispute_settlement: DisputeOutcome | null;
  money_status: string | null;
  money_charged: string;
  money_released: string;
  money_platform_fee: string;
  money_refunded: string;
  money_disputed: string;
  deliverable_file_version_id: string | null;
  submitted_at: Date | null;
  approved_at: Date | null;
  approved_by: 'client' | 'auto' | null;
  /** The last billing aggregateVersion applied (null: none yet); older events are stale. */
  billing_version: string | null;
  version: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  review_due_at: Date | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toMilestoneView(r: MilestoneRow): MilestoneView {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    title: r.title,
    description: r.description,
    amount: Number(r.amount),
    currency: r.currency,
    dueDate: r.due_date,
    reviewWindowDays: r.review_window_days,
    billing: r.billing_mode,
    status: r.status,
    deliverableFileVersionId: r.deliverable_file_version_id,
    submittedAt: iso(r.submitted_at),
    reviewDueAt: iso(r.review_due_at),
    approvedAt: iso(r.approved_at),
    approvedBy: r.approved_by,
    money: stateOf(r).money,
    freezes: { dispute: r.dispute_opened_by ? { openedBy: r.dispute_opened_by } : null, chargeback: Number(r.money_disputed) > 0 },
    version: r.version,
    createdBy: r.created_by,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

export function stateOf(r: MilestoneRow): MilestoneState {
  return {
    work: r.work_status,
    billing: r.billing_mode,
    disputeOpenedBy: r.dispute_opened_by,
    settlement: r.dispute_settlement,
    orderStatus: r.money_status,
    money: {
      charged: Number(r.money_charged),
      released: Number(r.money_released),
      platformFee: Number(r.money_platform_fee),
      refunded: Number(r.money_refunded),
      disputed: Number(r.money_disputed),
    },
  };
}

// due_date as text: a calendar date must not travel through a JS Date and a time zone.
const COLUMNS = `m.id, m.seq::text, m.account_id, m.workspace_id, m.title, m.description, m.amount::text, m.currency, m.due_date::text,
  m.review_window_days, m.billing_mode, m.status, m.work_status, m.dispute_opened_by, m.dispute_settlement, m.money_status, m.money_charged::text,
  m.money_released::text,
  m.money_platform_fee::text, m.money_refunded::text, m.money_disputed::text, m.deliverable_file_version_id, m.submitted_at, m.approved_at, m.approved_by,
  m.billing_version::text, m.version, m.created_by, m.created_at, m.updated_at,
  case when t.paused_at is null then t.due_at end as review_due_at`;
const FROM = `milestones m left join milestone_review_timers t on t.milestone_id = m.id`;

export interface NewMilestone {
  id: string;
  accountId: string;
  workspaceId: string;
  title: string;
  description: string | null;
  amount: number;
  currency: string;
  dueDate: string | null;
  reviewWindowDays: number;
  billing: MilestoneBillingMode;
  createdBy: string;
  now: Date;
}

/** The fields an update may change (its `expectedVersion` is checked before). */
export type MilestoneEdits = Omit<UpdateMilestoneBody, 'expectedVersion'>;

export interface StatusChange {
  status: MilestoneStatus;
  state: MilestoneState;
  deliverableFileVersionId?: string;
  submittedAt?: Date;
  approvedAt?: Date;
  approvedBy?: 'client' | 'auto';
  billingVersion?: number;
  now: Date;
}

/** SQL for milestones; callers hold a tenant-scoped transaction (RLS applies). */
@Injectable()
export class MilestonesRepository {
  async insert(manager: TenantManager, m: NewMilestone): Promise<void> {
    await manager.query(
      `insert into milestones (id, account_id, workspace_id, title, description, amount, currency, due_date, review_window_days, billing_mode, created_by, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
      [
        m.id,
        m.accountId,
        m.workspaceId,
        m.title,
        m.description,
        m.amount,
        m.currency,
        m.dueDate,
        m.reviewWindowDays,
        m.billing,
        m.createdBy,
        m.now,
      ],
    );
  }

  async find(manager: TenantManager, workspaceId: string, milestoneId: string, lock = false): Promise<MilestoneRow | null> {
    const [row] = await manager.query(
      `select ${COLUMNS} from ${FROM} where m.workspace_id = $1 and m.id = $2 ${lock ? 'for update of m' : ''}`,
      [workspaceId, milestoneId],
    );
    return row ?? null;
  }

  async list(
    manager: TenantManager,
    workspaceId: string,
    limit: number,
    before?: string,
    status?: string,
  ): Promise<{ rows: MilestoneRow[]; nextBefore: string | null }> {
    const rows: MilestoneRow[] = await manager.query(
      `select ${COLUMNS} from ${FROM}
        where m.workspace_id = $1 and ($2::bigint is null or m.seq < $2::bigint) and ($3::text is null or m.status = $3)
        order by m.seq desc limit $4`,
      [workspaceId, before ?? null, status ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return { rows: page, nextBefore: rows.length > limit ? page[page.length - 1].seq : null };
  }

  async edit(manager: TenantManager, milestoneId: string, e: MilestoneEdits, now: Date): Promise<void> {
    await manager.query(
      `update milestones set
         title = coalesce($2, title),
         description = case when $3::boolean then $4 else description end,
         amount = coalesce($5, amount),
         currency = coalesce($6, currency),
         due_date = case when $7::boolean then $8::date else due_date end,
         review_window_days = coalesce($9, review_window_days),
         billing_mode = coalesce($11, billing_mode),
         version = version + 1, updated_at = $10
       where id = $1`,
      [
        milestoneId,
        e.title ?? null,
        e.description !== undefined,
        e.description ?? null,
        e.amount ?? null,
        e.currency ?? null,
        e.dueDate !== undefined,
        e.dueDate ?? null,
        e.reviewWindowDays ?? null,
        now,
        e.billing ?? null,
      ],
    );
  }

  async changeStatus(manager: TenantManager, milestoneId: string, c: StatusChange): Promise<void> {
    const m = c.state.money;
    await manager.query(
      `update milestones set
         status = $2, work_status = $3, dispute_opened_by = $4,
         deliverable_file_version_id = coalesce($5, deliverable_file_version_id),
         submitted_at = coalesce($6, submitted_at),
         approved_at = coalesce($7, approved_at),
         approved_by = coalesce($8, approved_by),
         billing_version = case when $9::bigint is null then billing_version else greatest(billing_version, $9::bigint) end,
         money_status = $10, money_charged = $11, money_released = $12, money_platform_fee = $13, money_refunded = $14, money_disputed = $15,
         dispute_settlement = $17,
         version = version + 1, updated_at = $16
       where id = $1`,
      [
        milestoneId,
        c.status,
        c.state.work,
        c.state.disputeOpenedBy,
        c.deliverableFileVersionId ?? null,
        c.submittedAt ?? null,
        c.approvedAt ?? null,
        c.approvedBy ?? null,
        c.billingVersion ?? null,
        c.state.orderStatus,
        m.charged,
        m.released,
        m.platformFee,
        m.refunded,
        m.disputed,
        c.now,
        c.state.settlement ?? null,
      ],
    );
  }

  /** A billing version seen that changed nothing: later older ones are still stale. */
  async recordBillingVersion(manager: TenantManager, milestoneId: string, version: number): Promise<void> {
    await manager.query(`update milestones set billing_version = greatest(coalesce(billing_version, $2), $2) where id = $1`, [
      milestoneId,
      version,
    ]);
  }

  /** The workspace's default review window, for new milestones. */
  async workspaceReviewWindow(manager: TenantManager, workspaceId: string): Promise<number> {
    const [row] = await manager.query(`select review_window_days from workspaces where id = $1`, [workspaceId]);
    return row?.review_window_days ?? 14;
  }
}
