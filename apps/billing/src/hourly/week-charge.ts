import type { BillableEntry } from '@fpms/contracts';
import { dateOrNull } from '../payments/row-values';

/** An `hourly_week_charges` row: one approved batch of a contract's week and where its payment stands. */
export interface WeekCharge {
  id: string;
  accountId: string;
  workspaceId: string;
  contractId: string;
  /** ISO date of the Monday the week starts on (the account's time zone). */
  weekStart: string;
  batch: number;
  timeZone: string;
  rateMinor: number;
  currency: string;
  billableSeconds: number;
  amount: number;
  entries: BillableEntry[];
  /** `due` until paid (retried while nextAttemptAt is set); `not_charged`: nothing Stripe could charge (zero, below the minimum). */
  status: 'due' | 'paid' | 'not_charged';
  orderId: string | null;
  invoiceId: string | null;
  invoiceNumber: string | null;
  attempts: number;
  nextAttemptAt: Date | null;
  lastDeclineCode: string | null;
  paymentIntentId: string | null;
  paidAt: Date | null;
}

export function toWeekCharge(r: Record<string, unknown>): WeekCharge {
  const week = r.week_start instanceof Date ? r.week_start.toISOString().slice(0, 10) : String(r.week_start).slice(0, 10);
  return {
    id: r.id as string,
    accountId: r.account_id as string,
    workspaceId: r.workspace_id as string,
    contractId: r.contract_id as string,
    weekStart: week,
    batch: Number(r.batch),
    timeZone: r.time_zone as string,
    rateMinor: Number(r.rate_minor),
    currency: r.currency as string,
    billableSeconds: Number(r.billable_seconds),
    amount: Number(r.amount),
    entries: r.entries as BillableEntry[],
    status: r.status as WeekCharge['status'],
    orderId: (r.order_id as string | null) ?? null,
    invoiceId: (r.invoice_id as string | null) ?? null,
    invoiceNumber: (r.invoice_number as string | null) ?? null,
    attempts: Number(r.attempts),
    nextAttemptAt: dateOrNull(r.next_attempt_at),
    lastDeclineCode: (r.last_decline_code as string | null) ?? null,
    paymentIntentId: (r.payment_intent_id as string | null) ?? null,
    paidAt: dateOrNull(r.paid_at),
  };
}
