import { Injectable } from '@nestjs/common';
import type { PayoutStatus, PayoutView } from '@fpms/contracts';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';

export interface PayoutRecord {
  seq: string;
  stripePayoutId: string;
  accountId: string;
  stripeAccountId: string;
  amount: number;
  currency: string;
  status: PayoutStatus;
  arrivalDate: Date | null;
  method: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  stripeCreated: Date;
  paidAt: Date | null;
  failedAt: Date | null;
  version: number;
  updatedAt: Date;
}

/** What a Stripe payout says, as billing keeps it. */
export type PayoutFacts = Pick<
  PayoutRecord,
  | 'stripePayoutId'
  | 'accountId'
  | 'stripeAccountId'
  | 'amount'
  | 'currency'
  | 'status'
  | 'arrivalDate'
  | 'method'
  | 'failureCode'
  | 'failureMessage'
  | 'stripeCreated'
>;

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

function toRecord(r: Record<string, unknown>): PayoutRecord {
  return {
    seq: String(r.seq),
    stripePayoutId: r.stripe_payout_id as string,
    accountId: r.account_id as string,
    stripeAccountId: r.stripe_account_id as string,
    amount: Number(r.amount),
    currency: r.currency as string,
    status: r.status as PayoutStatus,
    arrivalDate: date(r.arrival_date),
    method: (r.method as string) ?? null,
    failureCode: (r.failure_code as string) ?? null,
    failureMessage: (r.failure_message as string) ?? null,
    stripeCreated: new Date(r.stripe_created as string),
    paidAt: date(r.paid_at),
    failedAt: date(r.failed_at),
    version: Number(r.version),
    updatedAt: new Date(r.updated_at as string),
  };
}

export function toPayoutView(p: PayoutRecord): PayoutView {
  return {
    id: p.stripePayoutId,
    amount: p.amount,
    currency: p.currency,
    status: p.status,
    arrivalDate: p.arrivalDate?.toISOString() ?? null,
    method: p.method,
    failureCode: p.failureCode,
    failureMessage: p.failureMessage,
    createdAt: p.stripeCreated.toISOString(),
    paidAt: p.paidAt?.toISOString() ?? null,
    failedAt: p.failedAt?.toISOString() ?? null,
    updatedAt: p.updatedAt.toISOString(),
  };
}

/**
 * Payouts as Connect's webhooks report them (the webhook processor's system transaction: the
 * account is found from the connected account the event names).
 */
@Injectable()
export class CrossTenantPayoutsRepository {
  /** The payout's row, created from `facts` when new, locked for the rest of the transaction. */
  async lockOrInsert(manager: SystemManager, facts: PayoutFacts, at: Date): Promise<{ record: PayoutRecord; inserted: boolean }> {
    const inserted: Array<Record<string, unknown>> = await manager.query(
      `insert into payouts (stripe_payout_id, account_id, stripe_account_id, amount, currency, status, arrival_date, method,
                            failure_code, failure_message, stripe_created, paid_at, failed_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
               case when $6 = 'paid' then $12::timestamptz end, case when $6 = 'failed' then $12::timestamptz end)
       on conflict (stripe_payout_id) do nothing
       returning *`,
      [
        facts.stripePayoutId,
        facts.accountId,
        facts.stripeAccountId,
        facts.amount,
        facts.currency,
        facts.status,
        facts.arrivalDate,
        facts.method,
        facts.failureCode,
        facts.failureMessage,
        facts.stripeCreated,
        at,
      ],
    );
    if (inserted[0]) return { record: toRecord(inserted[0]), inserted: true };
    const rows: Array<Record<string, unknown>> = await manager.query(`select * from payouts where stripe_payout_id = $1 for update`, [
      facts.stripePayoutId,
    ]);
    return { record: toRecord(rows[0]), inserted: false };
  }

  /** Moves the payout to `facts.status` (the caller checked the move is forward). */
  async advance(manager: SystemManager, current: PayoutRecord, facts: PayoutFacts, at: Date): Promise<PayoutRecord> {
    // TypeORM answers an UPDATE … RETURNING as [rows, affected].
    const [rows]: [Array<Record<string, unknown>>, number] = await manager.query(
      `update payouts set status = $2, arrival_date = coalesce($3, arrival_date), failure_code = $4, failure_message = $5,
              paid_at = case when $2 = 'paid' then $6::timestamptz else paid_at end,
              failed_at = case when $2 = 'failed' then $6::timestamptz else failed_at end,
              version = version + 1, updated_at = now()
        where stripe_payout_id = $1
        returning *`,
      [current.stripePayoutId, facts.status, facts.arrivalDate, facts.failureCode, facts.failureMessage, at],
    );
    return toRecord(rows[0]);
  }
}

/** The owner's list (tenant transaction: RLS on the account). */
@Injectable()
export class PayoutsRepository {
  async page(manager: TenantManager, accountId: string, limit: number, before?: string): Promise<PayoutRecord[]> {
    const rows: Array<Record<string, unknown>> = await manager.query(
      `select * from payouts where account_id = $1 and ($2::bigint is null or seq < $2::bigint) order by seq desc limit $3`,
      [accountId, before ?? null, limit],
    );
    return rows.map(toRecord);
  }
}
