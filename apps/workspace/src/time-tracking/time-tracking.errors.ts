import { AppError } from '@fpms/common/errors/app-error';
import { TimeTrackingErrorCode } from '@fpms/contracts/errors/time-tracking.errors';

export class TimeTrackingError extends AppError<TimeTrackingErrorCode> {
  static entryNotFound(entryId: string) {
    return new TimeTrackingError(404, TimeTrackingErrorCode.TimeEntryNotFound, 'Time entry not found', { entryId });
  }
  static notAuthor(entryId: string) {
    return new TimeTrackingError(403, TimeTrackingErrorCode.NotEntryAuthor, 'Only the member who logged a time entry changes it', {
      entryId,
    });
  }
  static overlaps() {
    return new TimeTrackingError(
      409,
      TimeTrackingErrorCode.TimeEntryOverlaps,
      'The span overlaps another time entry (or the running timer) of yours',
    );
  }
  static locked(details: { entryId?: string; weekStart: string }) {
    return new TimeTrackingError(
      409,
      TimeTrackingErrorCode.TimeEntryLocked,
      'That week is billed: its time entries no longer change',
      details,
    );
  }
  static inFuture(endedAt: string) {
    return new TimeTrackingError(422, TimeTrackingErrorCode.TimeEntryInFuture, 'Time can only be logged once it has passed', { endedAt });
  }
  static tooLong(maxHours: number) {
    return new TimeTrackingError(422, TimeTrackingErrorCode.TimeEntryTooLong, `A manual entry spans at most ${maxHours} hours`, {
      maxHours,
    });
  }
  static invalidSpan() {
    return new TimeTrackingError(422, TimeTrackingErrorCode.InvalidTimeSpan, 'endedAt must be after startedAt');
  }
  static staleVersion(expected: number, actual: number) {
    return new TimeTrackingError(409, TimeTrackingErrorCode.StaleVersion, 'The time entry changed since you read it', { expected, actual });
  }
  static unknownTask(taskId: string) {
    return new TimeTrackingError(422, TimeTrackingErrorCode.UnknownTask, 'No such task in this workspace', { taskId });
  }
  static unknownMilestone(milestoneId: string) {
    return new TimeTrackingError(422, TimeTrackingErrorCode.UnknownMilestone, 'No such milestone in this workspace', { milestoneId });
  }
  static timerAlreadyRunning() {
    return new TimeTrackingError(
      409,
      TimeTrackingErrorCode.TimerAlreadyRunning,
      'Your timer is already running (one at a time, in any workspace)',
    );
  }
  static noTimerRunning() {
    return new TimeTrackingError(409, TimeTrackingErrorCode.NoTimerRunning, 'Your timer is not running in this workspace');
  }
  static weeklyCapExceeded(details: { weekStart: string; weeklyCapHours: number; loggedMinutes: number; requestedMinutes: number }) {
    return new TimeTrackingError(
      409,
      TimeTrackingErrorCode.WeeklyCapExceeded,
      `The hourly contract caps this week at ${details.weeklyCapHours} hours`,
      details,
    );
  }
  static contractNotFound() {
    return new TimeTrackingError(
      404,
      TimeTrackingErrorCode.HourlyContractNotFound,
      'This workspace has no proposed or active hourly contract',
    );
  }
  static contractExists(status: string) {
    return new TimeTrackingError(409, TimeTrackingErrorCode.HourlyContractExists, `The workspace already has a ${status} hourly contract`, {
      status,
    });
  }
  static contractNotProposed(status: string) {
    return new TimeTrackingError(409, TimeTrackingErrorCode.HourlyContractNotProposed, 'Only the proposed contract can be accepted', {
      status,
    });
  }
  static timeZoneLocked() {
    return new TimeTrackingError(
      409,
      TimeTrackingErrorCode.TimeZoneLocked,
      "The account's time zone is fixed once time is logged (every day and week already counted would move)",
    );
  }
  static unknownTimeZone(timeZone: string) {
    return new TimeTrackingError(422, TimeTrackingErrorCode.UnknownTimeZone, `"${timeZone}" is not a time zone the database knows`, {
      timeZone,
    });
  }
  static weekUnpaid(weekStart: string) {
    return new TimeTrackingError(
      409,
      TimeTrackingErrorCode.HourlyWeekUnpaid,
      'A week of this contract is unpaid (its charge failed): no new time until it is paid',
      { weekStart },
    );
  }
  static weekNotFound(weekStart: string) {
    return new TimeTrackingError(404, TimeTrackingErrorCode.TimeWeekNotFound, 'No closed week of this workspace starts that day', {
      weekStart,
    });
  }
  static reviewClosed(weekStart: string) {
    return new TimeTrackingError(409, TimeTrackingErrorCode.TimeWeekReviewClosed, "The week's review is over", { weekStart });
  }
  static alreadyDisputed(entryId: string) {
    return new TimeTrackingError(409, TimeTrackingErrorCode.TimeEntryAlreadyDisputed, 'That entry is already disputed', { entryId });
  }
  static disputeNotFound(entryId: string) {
    return new TimeTrackingError(404, TimeTrackingErrorCode.TimeEntryDisputeNotFound, 'That entry of the week is not disputed', {
      entryId,
    });
  }
  static disputeClosed(status: string) {
    return new TimeTrackingError(409, TimeTrackingErrorCode.TimeEntryDisputeClosed, `The dispute is already ${status}`, { status });
  }
}
