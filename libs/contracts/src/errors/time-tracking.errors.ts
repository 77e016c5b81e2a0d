/** Error codes of time entries, the timer and hourly contracts (workspace). */
export enum TimeTrackingErrorCode {
  TimeEntryNotFound = 'time_entry_not_found',
  /** Only the member who logged an entry changes it. */
  NotEntryAuthor = 'time_entry_not_yours',
  TimeEntryOverlaps = 'time_entry_overlaps',
  /** The entry's week is billed (locked by billing's weekly cycle). */
  TimeEntryLocked = 'time_entry_locked',
  TimeEntryInFuture = 'time_entry_in_future',
  TimeEntryTooLong = 'time_entry_too_long',
  InvalidTimeSpan = 'invalid_time_span',
  StaleVersion = 'time_entry_version_conflict',
  /** The task or milestone named is not this workspace's. */
  UnknownTask = 'unknown_task',
  UnknownMilestone = 'unknown_time_milestone',
  TimerAlreadyRunning = 'timer_already_running',
  NoTimerRunning = 'no_timer_running',
  WeeklyCapExceeded = 'weekly_cap_exceeded',
  HourlyContractNotFound = 'hourly_contract_not_found',
  HourlyContractExists = 'hourly_contract_exists',
  HourlyContractNotProposed = 'hourly_contract_not_proposed',
  TimeZoneLocked = 'time_zone_locked',
  UnknownTimeZone = 'unknown_time_zone',
  /** A week of the contract is unpaid (its charge failed): no new time until billing reports it paid. */
  HourlyWeekUnpaid = 'hourly_week_unpaid',
  TimeWeekNotFound = 'time_week_not_found',
  /** The week's review is over (approved, or its window lapsed): nothing to accept or dispute. */
  TimeWeekReviewClosed = 'time_week_review_closed',
  TimeEntryAlreadyDisputed = 'time_entry_already_disputed',
  TimeEntryDisputeNotFound = 'time_entry_dispute_not_found',
  /** The dispute was already withdrawn, conceded or lapsed. */
  TimeEntryDisputeClosed = 'time_entry_dispute_closed',
}
