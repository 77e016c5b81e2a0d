import { AppError } from '@fpms/common/errors/app-error';
import { ISO_WEEK } from '@fpms/contracts';

const DAY_MS = 86_400_000;

/** The Monday (YYYY-MM-DD) of ISO week `2026-W13`; refuses a week 53 the year does not have. */
export function mondayOfIsoWeek(week: string): string {
  const match = ISO_WEEK.exec(week);
  if (!match) throw AppError.validation('week must be an ISO week such as 2026-W13', { week });
  const [year, n] = [Number(match[1]), Number(match[2])];
  // 4 January is always in week 1.
  const jan4 = Date.UTC(year, 0, 4);
  const isoDay = (new Date(jan4).getUTCDay() + 6) % 7;
  const monday = new Date(jan4 - isoDay * DAY_MS + (n - 1) * 7 * DAY_MS);
  if (isoWeekYear(monday) !== year) throw AppError.validation(`${year} has no week ${n}`, { week });
  return monday.toISOString().slice(0, 10);
}

/** The ISO week-numbering year of a Monday: the year of its Thursday. */
const isoWeekYear = (monday: Date) => new Date(monday.getTime() + 3 * DAY_MS).getUTCFullYear();

/** The seven dates of the week starting `monday`. */
export function daysOfWeek(monday: string): string[] {
  const start = Date.parse(`${monday}T00:00:00Z`);
  return Array.from({ length: 7 }, (_, i) => new Date(start + i * DAY_MS).toISOString().slice(0, 10));
}
