const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Reminders go out this long before the review window lapses (those still in the future at submission). */
export const REMINDER_OFFSETS_MS: readonly number[] = [3 * DAY, 1 * DAY];

export function reviewDueAt(submittedAt: Date, reviewWindowDays: number): Date {
  return new Date(submittedAt.getTime() + reviewWindowDays * DAY);
}

/** The first reminder strictly after `after`, or null: a clock that jumped sends one reminder, not a burst. */
export function nextReminderAt(dueAt: Date, after: Date): Date | null {
  const candidates = REMINDER_OFFSETS_MS.map((o) => dueAt.getTime() - o).filter((t) => t > after.getTime());
  return candidates.length ? new Date(Math.min(...candidates)) : null;
}
