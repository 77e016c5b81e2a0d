import { Injectable } from '@nestjs/common';
import { TimeEntryDisputeView, TimeWeekView } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { writeQuery } from '@fpms/database/write-query';
import { EndedEntry, TimeEntryRow } from './time-entries.repository';

export interface TimeWeekRow {
  id: string;
  account_id: string;
  workspace_id: string;
  contract_id: string;
  week_start: string;
  time_zone: string;
  closed_at: Date;
  review_due_at: Date;
  status: 'in_review' | 'approved';
  approved_at: Date | null;
  approved_by: 'client' | 'review_lapsed' | null;
  approved_by_user: string | null;
  entry_count: number;
  total_seconds: string;
  next_batch: number;
}

export interface TimeWeekBatchRow {
  week_id: string;
  batch: number;
  contract_id: string;
  approved_by: 'client' | 'review_lapsed' | 'dispute_settled';
  approved_at: Date;
  entry_ids: string[];
  billable_seconds: string;
  payment: 'pending' | 'failed' | 'paid';
  payment_attempt: number | null;
  decline_code: string | null;
  will_retry_at: Date | null;
  paid_at: Date | null;
}

export interface TimeEntryDisputeRow {
  entry_id: string;
  account_id: string;
  workspace_id: string;
  week_id: string;
  reason: string;
  disputed_by: string;
  disputed_at: Date;
  respond_by: Date;
  status: 'open' | 'withdrawn' | 'conceded' | 'lapsed';
  resolved_by: string | null;
  resolved_at: Date | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The week's status as members read it: the review, then billing's outcome of its batches. */
export function toTimeWeekView(w: TimeWeekRow, batches: TimeWeekBatchRow[]): TimeWeekView {
  const status =
    w.status === 'in_review'
      ? 'in_review'
      : batches.some((b) => b.payment === 'failed')
        ? 'payment_failed'
        : batches.length > 0 && batches.every((b) => b.payment === 'paid')
          ? 'paid'
          : 'approved';
  return {
    id: w.id,
    workspaceId: w.workspace_id,
    contractId: w.contract_id,
    weekStart: w.week_start,
    timeZone: w.time_zone,
    status,
    closedAt: iso(w.closed_at)!,
    reviewDueAt: iso(w.review_due_at)!,
    approvedAt: iso(w.approved_at),
    approvedBy: w.approved_by,
    entryCount: w.entry_count,
    totalSeconds: Number(w.total_seconds),
    batches: batches.map((b) => ({
      batch: b.batch,
      approvedBy: b.approved_by,
      billableSeconds: Number(b.billable_seconds),
      entryCount: b.entry_ids.length,
      payment: b.payment,
      declineCode: b.decline_code,
      willRetryAt: iso(b.will_retry_at),
      paidAt: iso(b.paid_at),
    })),
  };
}

export function toDisputeView(d: TimeEntryDisputeRow): TimeEntryDisputeView {
  return {
    entryId: d.entry_id,
    reason: d.reason,
    disputedBy: d.disputed_by,
    disputedAt: iso(d.disputed_at)!,
    respondBy: iso(d.respond_by)!,
    status: d.status,
    resolvedBy: d.resolved_by,
    resolvedAt: iso(d.resolved_at),
  };
}

const WEEK_COLUMNS = `id, account_id, workspace_id, contract_id, week_start::text, time_zone, closed_at, review_due_at, status, approved_at,
  approved_by, approved_by_user, entry_count, total_seconds::text, next_batch`;
const BATCH_COLUMNS = `week_id, batch, contract_id, approved_by, approved_at, entry_ids, billable_seconds::text, payment, payment_attempt,
  decline_code, will_retry_at, paid_at`;
const DISPUTE_COLUMNS = `entry_id, account_id, workspace_id, week_id, reason, disputed_by, disputed_at, respond_by, status, resolved_by, resolved_at`;
const ENTRY_COLUMNS = `id, seq::text, account_id, workspace_id, user_id, started_at, ended_at, local_day::text, week_start::text, note,
  task_id, milestone_id, source, locked_at, version, created_at, updated_at`;

/** SQL for closed weeks, their approved batches and the client's disputes (RLS: the caller's tenant transaction). */
@Injectable()
export class TimeWeeksRepository {
  /** Inserts the week once: null when another replica closed it first. */
  async insert(
    manager: TenantManager,
    w: {
      id: string;
      accountId: string;
      workspaceId: string;
      contractId: string;
      weekStart: string;
      timeZone: string;
      closedAt: Date;
      reviewDueAt: Date;
    },
  ): Promise<TimeWeekRow | null> {
    const [row] = await manager.query(
      `insert into time_weeks (id, account_id, workspace_id, contract_id, week_start, time_zone, closed_at, review_due_at, status, entry_count, total_seconds)
       values ($1, $2, $3, $4, $5::date, $6, $7, $8, 'in_review', 0, 0)
       on conflict (workspace_id, week_start) do nothing returning ${WEEK_COLUMNS}`,
      [w.id, w.accountId, w.workspaceId, w.contractId, w.weekStart, w.timeZone, w.closedAt, w.reviewDueAt],
    );
    return row ?? null;
  }

  /**
   * The oldest week of the workspace that ended (its next Monday 00:00 in `timeZone` is at or
   * before `now`) with an entry or a running timer not yet locked, while a contract was
   * active in it; with the instant it ended.
   */
  async oldestDue(
    manager: TenantManager,
    workspaceId: string,
    timeZone: string,
    now: Date,
  ): Promise<{ weekStart: string; endsAt: Date } | null> {
    const [row] = await manager.query(
      `select w.local_monday::date::text as week_start, (w.local_monday + interval '7 days') at time zone $2 as ends_at
         from time_entries e
        cross join lateral (select date_trunc('week', e.started_at at time zone $2) as local_monday) w
        where e.workspace_id = $1 and e.locked_at is null
          and ((w.local_monday + interval '7 days') at time zone $2) <= $3
          and exists (select 1 from hourly_contracts c where c.workspace_id = $1 and c.accepted_at is not null
                        and c.accepted_at < ((w.local_monday + interval '7 days') at time zone $2)
                        and (c.ended_at is null or c.ended_at >= (w.local_monday at time zone $2)))
        order by w.local_monday limit 1`,
      [workspaceId, timeZone, now],
    );
    return row ? { weekStart: row.week_start, endsAt: new Date(row.ends_at) } : null;
  }

  /** Running timers in the workspace that started before `before` (locked: the close ends them there). */
  async runningSince(manager: TenantManager, workspaceId: string, before: Date): Promise<TimeEntryRow[]> {
    return manager.query(
      `select ${ENTRY_COLUMNS} from time_entries where workspace_id = $1 and ended_at is null and started_at < $2 for update`,
      [workspaceId, before],
    );
  }

  /** Locks the week's ended entries (they no longer change) and records their count and seconds on the week. */
  async lockEntries(manager: TenantManager, week: TimeWeekRow, now: Date): Promise<{ entryCount: number; totalSeconds: number }> {
    const {
      rows: [row],
    } = await writeQuery<{ entry_count: number; total_seconds: string }>(
      manager,
      `with locked as (
         update time_entries set locked_at = $3
          where workspace_id = $1 and week_start = $2::date and ended_at is not null and locked_at is null
          returning extract(epoch from ended_at - started_at)::bigint as seconds)
       update time_weeks set entry_count = (select count(*) from locked), total_seconds = (select coalesce(sum(seconds), 0) from locked)
        where id = $4 returning entry_count, total_seconds::text`,
      [week.workspace_id, week.week_start, now, week.id],
    );
    return { entryCount: row.entry_count, totalSeconds: Number(row.total_seconds) };
  }

  async find(manager: TenantManager, workspaceId: string, weekStart: string, lock = false): Promise<TimeWeekRow | null> {
    const [row] = await manager.query(
      `select ${WEEK_COLUMNS} from time_weeks where workspace_id = $1 and week_start = $2::date ${lock ? 'for update' : ''}`,
      [workspaceId, weekStart],
    );
    return row ?? null;
  }

  async findById(manager: TenantManager, id: string, lock = false): Promise<TimeWeekRow | null> {
    const [row] = await manager.query(`select ${WEEK_COLUMNS} from time_weeks where id = $1 ${lock ? 'for update' : ''}`, [id]);
    return row ?? null;
  }

  /** The workspace's weeks, newest first (a contract closes at most 52 a year). */
  async list(manager: TenantManager, workspaceId: string): Promise<TimeWeekRow[]> {
    return manager.query(`select ${WEEK_COLUMNS} from time_weeks where workspace_id = $1 order by week_start desc limit 520`, [
      workspaceId,
    ]);
  }

  async entries(manager: TenantManager, workspaceId: string, weekStart: string): Promise<EndedEntry[]> {
    return manager.query(
      `select ${ENTRY_COLUMNS} from time_entries where workspace_id = $1 and week_start = $2::date and locked_at is not null order by started_at, id`,
      [workspaceId, weekStart],
    );
  }

  async entry(manager: TenantManager, workspaceId: string, weekStart: string, entryId: string): Promise<TimeEntryRow | null> {
    const [row] = await manager.query(
      `select ${ENTRY_COLUMNS} from time_entries where workspace_id = $1 and week_start = $2::date and id = $3 and locked_at is not null`,
      [workspaceId, weekStart, entryId],
    );
    return row ?? null;
  }

  async approve(manager: TenantManager, weekId: string, by: 'client' | 'review_lapsed', userId: string | null, now: Date): Promise<void> {
    await manager.query(
      `update time_weeks set status = 'approved', approved_at = $2, approved_by = $3, approved_by_user = $4, claimed_until = null where id = $1`,
      [weekId, now, by, userId],
    );
  }

  /** The next settled-dispute batch number of the week (the week row is locked by the caller). */
  async takeBatchNumber(manager: TenantManager, weekId: string): Promise<number> {
    const [[row]] = await manager.query(
      `update time_weeks set next_batch = next_batch + 1 where id = $1 returning next_batch - 1 as batch`,
      [weekId],
    );
    return row.batch;
  }

  async releaseClaim(manager: TenantManager, weekId: string): Promise<void> {
    await manager.query(`update time_weeks set claimed_until = null where id = $1`, [weekId]);
  }

  async batches(manager: TenantManager, weekIds: string[]): Promise<TimeWeekBatchRow[]> {
    if (weekIds.length === 0) return [];
    return manager.query(`select ${BATCH_COLUMNS} from time_week_batches where week_id = any($1::uuid[]) order by week_id, batch`, [
      weekIds,
    ]);
  }

  async insertBatch(
    manager: TenantManager,
    week: TimeWeekRow,
    b: { batch: number; approvedBy: TimeWeekBatchRow['approved_by']; now: Date; entryIds: string[]; billableSeconds: number },
  ): Promise<void> {
    await manager.query(
      `insert into time_week_batches (week_id, batch, account_id, workspace_id, contract_id, approved_by, approved_at, entry_ids, billable_seconds)
       values ($1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9)`,
      [week.id, b.batch, week.account_id, week.workspace_id, week.contract_id, b.approvedBy, b.now, b.entryIds, b.billableSeconds],
    );
  }

  async findBatch(manager: TenantManager, contractId: string, weekStart: string, batch: number, lock = false) {
    const [row] = await manager.query(
      `select b.week_id, b.batch, b.payment, b.payment_attempt from time_week_batches b join time_weeks w on w.id = b.week_id
        where w.contract_id = $1 and w.week_start = $2::date and b.batch = $3 ${lock ? 'for update of b' : ''}`,
      [contractId, weekStart, batch],
    );
    return (row ?? null) as Pick<TimeWeekBatchRow, 'week_id' | 'batch' | 'payment' | 'payment_attempt'> | null;
  }

  async markPaid(manager: TenantManager, weekId: string, batch: number, f: { invoiceId: string; paidAt: Date }): Promise<void> {
    await manager.query(
      `update time_week_batches set payment = 'paid', invoice_id = $3, paid_at = $4, will_retry_at = null where week_id = $1 and batch = $2`,
      [weekId, batch, f.invoiceId, f.paidAt],
    );
  }

  async markFailed(
    manager: TenantManager,
    weekId: string,
    batch: number,
    f: { invoiceId: string; attempt: number; declineCode: string; willRetryAt: Date | null },
  ): Promise<void> {
    await manager.query(
      `update time_week_batches set payment = 'failed', invoice_id = $3, payment_attempt = $4, decline_code = $5, will_retry_at = $6
        where week_id = $1 and batch = $2`,
      [weekId, batch, f.invoiceId, f.attempt, f.declineCode, f.willRetryAt],
    );
  }

  /** A week of the contract whose charge failed and was not paid since (new time waits for it). */
  async unpaidWeek(manager: TenantManager, contractId: string): Promise<string | null> {
    const [row] = await manager.query(
      `select w.week_start::text from time_week_batches b join time_weeks w on w.id = b.week_id
        where b.contract_id = $1 and b.payment = 'failed' order by w.week_start limit 1`,
      [contractId],
    );
    return row?.week_start ?? null;
  }

  async disputes(manager: TenantManager, weekId: string): Promise<TimeEntryDisputeRow[]> {
    return manager.query(`select ${DISPUTE_COLUMNS} from time_entry_disputes where week_id = $1`, [weekId]);
  }

  async findDispute(manager: TenantManager, entryId: string, lock = false): Promise<TimeEntryDisputeRow | null> {
    const [row] = await manager.query(
      `select ${DISPUTE_COLUMNS} from time_entry_disputes where entry_id = $1 ${lock ? 'for update' : ''}`,
      [entryId],
    );
    return row ?? null;
  }

  /** Opens the dispute once: false when the entry is already disputed. */
  async openDispute(
    manager: TenantManager,
    d: { entryId: string; week: TimeWeekRow; reason: string; by: string; now: Date; respondBy: Date },
  ): Promise<boolean> {
    const { affected } = await writeQuery(
      manager,
      `insert into time_entry_disputes (entry_id, account_id, workspace_id, week_id, reason, disputed_by, disputed_at, respond_by, status)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'open') on conflict (entry_id) do nothing`,
      [d.entryId, d.week.account_id, d.week.workspace_id, d.week.id, d.reason, d.by, d.now, d.respondBy],
    );
    return affected > 0;
  }

  async closeDispute(
    manager: TenantManager,
    entryId: string,
    status: 'withdrawn' | 'conceded' | 'lapsed',
    by: string | null,
    now: Date,
  ): Promise<void> {
    await manager.query(
      `update time_entry_disputes set status = $2, resolved_by = $3, resolved_at = $4, claimed_until = null where entry_id = $1`,
      [entryId, status, by, now],
    );
  }

  async releaseDisputeClaim(manager: TenantManager, entryId: string): Promise<void> {
    await manager.query(`update time_entry_disputes set claimed_until = null where entry_id = $1`, [entryId]);
  }
}
