import { EarningsGrouping, EarningsReportRequest } from '../requests/billing-earnings.requests';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('billing');

/**
 * One group's (or one currency's) money over the period, integer minor units of its currency:
 * - `gross`: what clients paid;
 * - `platformFees`: the platform's fees kept (a fee share given back on a refund after release counts against it);
 * - `refunds`: returned to clients by refunds;
 * - `disputes`: lost to disputes (chargebacks lost, and an in-app dispute's refund part);
 * - `net`: what reached the freelancer (released less the platform's fee, less reversals);
 * - `inEscrow`: paid and neither released nor refunded (the change over the period; over all
 *   time, what is held now).
 * gross = platformFees + refunds + disputes + net + inEscrow.
 * `releases`: milestones released in the period; `averageDaysToRelease`: mean days from the
 * milestone's last submission to its release, over the releases whose submission billing knows
 * (null when none; a paid hourly week is a release with no submission).
 * `billedSeconds`: the hours of paid hourly weeks, exact, in seconds (the sum of the billed
 * entries' seconds; the groups' add up to the totals); `hours`: the same in decimal hours,
 * rounded to 2 places, for display only (sum billedSeconds, never hours).
 */
export interface EarningsFigures {
  gross: number;
  platformFees: number;
  refunds: number;
  disputes: number;
  net: number;
  inEscrow: number;
  releases: number;
  averageDaysToRelease: number | null;
  billedSeconds: number;
  hours: number;
}

/**
 * A row of the report. `key` is the month (YYYY-MM), the workspace id, or the paying client's
 * user id (`unknown` when billing does not know it); for `member`, `task` and `week` (hourly
 * work only) the member's user id, the task id (`none` for untasked time) or the ISO week of
 * the week's Monday (`2026-W48`), with all milestone money in the one group `milestones`.
 */
export interface EarningsGroupView extends EarningsFigures {
  key: string;
}

export interface EarningsCurrencyView {
  currency: string;
  totals: EarningsFigures;
  groups: EarningsGroupView[];
}

export interface EarningsReportView {
  from: string;
  to: string;
  groupBy: EarningsGrouping;
  /** The currency asked for, or null for all the account has. */
  currency: string | null;
  /** One section per currency (sorted by code); amounts never cross sections. */
  currencies: EarningsCurrencyView[];
}

/** The account owner's earnings (the token's own account: no id to name another tenant's). */
export const BillingEarningsRpc = {
  report: rpcPattern<EarningsReportView>()(queue, 'billing.earnings.report', EarningsReportRequest),
} as const;

const CSV_COLUMNS = [
  'currency',
  'group_by',
  'group',
  'gross',
  'platform_fees',
  'refunds',
  'disputes',
  'net',
  'in_escrow',
  'releases',
  'average_days_to_release',
  'billed_seconds',
  'hours',
] as const;

function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  // Quote what needs it; a leading =, +, - or @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(text) && Number.isNaN(Number(text)) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The report as CSV (RFC 4180, CRLF): one line per group per currency, then the currency's
 * `total` line — the same figures as the JSON, amounts in minor units.
 */
export function earningsReportCsv(report: EarningsReportView): string {
  const lines = [CSV_COLUMNS.join(',')];
  const line = (currency: string, group: string, f: EarningsFigures) =>
    [
      currency,
      report.groupBy,
      group,
      f.gross,
      f.platformFees,
      f.refunds,
      f.disputes,
      f.net,
      f.inEscrow,
      f.releases,
      f.averageDaysToRelease,
      f.billedSeconds,
      f.hours,
    ]
      .map(csvField)
      .join(',');
  for (const section of report.currencies) {
    for (const g of section.groups) lines.push(line(section.currency, g.key, g));
    lines.push(line(section.currency, 'total', section.totals));
  }
  return lines.join('\r\n') + '\r\n';
}
