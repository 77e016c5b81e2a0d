import { Injectable } from '@nestjs/common';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';
import { toWeekCharge, WeekCharge } from './week-charge';

/** Week charges: created from the workspace's approvals (inbox transaction), charged by the WeekChargeWorker (system pool). */
@Injectable()
export class WeekChargesRepository {
  /** Inserts the batch unless this (contract, week, batch) exists: answers the new row, or null for a redelivered approval. */
  async insertOnce(
    manager: TenantManager,
    c: Omit<WeekCharge, 'attempts' | 'lastDeclineCode' | 'paymentIntentId' | 'paidAt'>,
    sourceEventId: string,
  ): Promise<WeekCharge | null> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `insert into hourly_week_charges (id, account_id, workspace_id, contract_id, week_start, batch, time_zone, rate_minor, currency,
         billable_seconds, amount, entries, status, order_id, invoice_id, invoice_number, next_attempt_at, source_event_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       on conflict (contract_id, week_start, batch) do nothing
       returning *`,
      [
        c.id,
        c.accountId,
        c.workspaceId,
        c.contractId,
        c.weekStart,
        c.batch,
        c.timeZone,
        c.rateMinor,
        c.currency,
        c.billableSeconds,
        c.amount,
        JSON.stringify(c.entries),
        c.status,
        c.orderId,
        c.invoiceId,
        c.invoiceNumber,
        c.nextAttemptAt,
        sourceEventId,
      ],
    );
    return rows[0] ? toWeekCharge(rows[0]) : null;
  }

  async attachDocuments(manager: TenantManager, id: string, orderId: string, invoice: { id: string; number: string }): Promise<void> {
    await manager.query(`update hourly_week_charges set order_id = $2, invoice_id = $3, invoice_number = $4 where id = $1`, [
      id,
      orderId,
      invoice.id,
      invoice.number,
    ]);
  }

  /**
   * Due charges, claimed for this transaction: FOR UPDATE SKIP LOCKED, so with several replicas
   * each charge is attempted by one of them at a time, and held until its outcome commits.
   */
  async claimDue(manager: SystemManager, now: Date, limit: number): Promise<WeekCharge[]> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `select * from hourly_week_charges where status = 'due' and next_attempt_at <= $1
       order by next_attempt_at, id limit $2 for update skip locked`,
      [now, limit],
    );
    return rows.map(toWeekCharge);
  }

  async save(manager: SystemManager, c: WeekCharge): Promise<void> {
    await manager.query(
      `update hourly_week_charges set status = $2, attempts = $3, next_attempt_at = $4, last_decline_code = $5,
         payment_intent_id = $6, paid_at = $7, updated_at = now() where id = $1`,
      [c.id, c.status, c.attempts, c.nextAttemptAt, c.lastDeclineCode, c.paymentIntentId, c.paidAt],
    );
  }

  /** A new payment method was saved: every unpaid week of the contract (retrying or given up) is due now. */
  async retryUnpaidNow(manager: SystemManager, contractId: string, now: Date): Promise<number> {
    const [, affected]: [unknown[], number] = await manager.query(
      `update hourly_week_charges set next_attempt_at = $2, updated_at = now()
       where contract_id = $1 and status = 'due' returning id`,
      [contractId, now],
    );
    return affected;
  }
}
