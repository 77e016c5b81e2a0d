import { ValidateBy, ValidationArguments } from 'class-validator';
import { FIELD_LIMITS } from './field-limits';
import { CalendarDate, CurrencyCode, OneOf, Optional } from './field-decorators';

/**
 * How the earnings report groups its rows within each currency: by the payment's month,
 * workspace or paying client, or — for hourly work — by the member who logged the time, the
 * task, or the ISO week (milestone money is then the one group `milestones`).
 */
export const EARNINGS_GROUPINGS = ['month', 'workspace', 'client', 'member', 'task', 'week'] as const;
export type EarningsGrouping = (typeof EARNINGS_GROUPINGS)[number];

/** `?format=`: the report as JSON (default) or as a CSV file (as `Accept: text/csv` asks). */
export const EARNINGS_FORMATS = ['json', 'csv'] as const;

const DAY_MS = 24 * 3600 * 1000;

/** `to` is a date on or after `from`, at most FIELD_LIMITS.earningsReportMaxDays later. */
const PeriodEnd = () =>
  ValidateBy({
    name: 'earningsPeriodEnd',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const from = (args?.object as { from?: unknown } | undefined)?.from;
        if (typeof value !== 'string' || typeof from !== 'string') return true; // the dates' own checks answer
        const days = (Date.parse(`${value}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;
        if (Number.isNaN(days)) return true;
        return days >= 0 && days < FIELD_LIMITS.earningsReportMaxDays;
      },
      defaultMessage: () => `to must be on or after from, and the period at most ${FIELD_LIMITS.earningsReportMaxDays} days`,
    },
  });

/**
 * `GET /api/v1/reports/earnings` as the RPC carries it: the period (UTC calendar days, both
 * included), the grouping, and optionally one currency. Amounts are never summed across
 * currencies: each currency is its own section.
 */
export class EarningsReportRequest {
  @CalendarDate()
  from!: string;

  @CalendarDate()
  @PeriodEnd()
  to!: string;

  @Optional()
  @OneOf(EARNINGS_GROUPINGS)
  groupBy: EarningsGrouping = 'month';

  @Optional()
  @CurrencyCode()
  currency?: string;
}

/** The HTTP query: the request plus `format` (the gateway answers CSV itself; billing never sees it). */
export class EarningsReportQuery extends EarningsReportRequest {
  @Optional()
  @OneOf(EARNINGS_FORMATS)
  format?: (typeof EARNINGS_FORMATS)[number];
}
