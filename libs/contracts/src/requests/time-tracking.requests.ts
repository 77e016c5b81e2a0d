import { Matches, ValidateBy } from 'class-validator';
import { Addressed, NoFields } from './addressed';
import { FIELD_LIMITS } from './field-limits';
import { CurrencyCode, EntityId, Instant, IntInRange, MinorUnits, Optional, OptionalNullable, Text } from './field-decorators';
import { PageQuery } from './paging';
import { isTimeZone } from './notifications.requests';

/**
 * A time entry is a span between two instants, `[startedAt, endedAt)`. A manual entry names
 * both; the timer's entry starts when it starts and ends when it stops. The entry counts on
 * the day and in the week (Monday 00:00, the account's time zone) it starts in.
 */
export class CreateTimeEntryBody {
  @Instant()
  startedAt!: string;

  @Instant()
  endedAt!: string;

  @Optional()
  @Text({ max: FIELD_LIMITS.timeEntryNoteMaxLength })
  note?: string;

  @Optional()
  @EntityId()
  taskId?: string;

  @Optional()
  @EntityId()
  milestoneId?: string;
}

export class UpdateTimeEntryBody {
  /** Refuse (409) if the entry moved on since this version. */
  @Optional()
  @IntInRange({ min: 1, max: Number.MAX_SAFE_INTEGER })
  expectedVersion?: number;

  @Optional()
  @Instant()
  startedAt?: string;

  @Optional()
  @Instant()
  endedAt?: string;

  /** null clears it. */
  @OptionalNullable()
  @Text({ max: FIELD_LIMITS.timeEntryNoteMaxLength })
  note?: string | null;

  @OptionalNullable()
  @EntityId()
  taskId?: string | null;

  @OptionalNullable()
  @EntityId()
  milestoneId?: string | null;
}

export class ListTimeEntriesQuery extends PageQuery {
  @Optional()
  @EntityId()
  userId?: string;

  /** Entries starting at or after this instant. */
  @Optional()
  @Instant()
  from?: string;

  /** Entries starting before this instant. */
  @Optional()
  @Instant()
  to?: string;
}

/** An ISO week, `2026-W13`. */
export const ISO_WEEK = /^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$/;

export class TimeSummaryQuery {
  @Matches(ISO_WEEK, { message: '$property must be an ISO week such as 2026-W13' })
  week!: string;

  @Optional()
  @EntityId()
  userId?: string;
}

export class StartTimerBody {
  @Optional()
  @Text({ max: FIELD_LIMITS.timeEntryNoteMaxLength })
  note?: string;

  @Optional()
  @EntityId()
  taskId?: string;

  @Optional()
  @EntityId()
  milestoneId?: string;
}

export class ProposeHourlyContractBody {
  @MinorUnits()
  rateMinor!: number;

  @CurrencyCode()
  currency!: string;

  @Optional()
  @IntInRange(FIELD_LIMITS.weeklyCapHours)
  weeklyCapHours?: number;
}

/** Accepting names the contract read, so terms proposed again meanwhile are never accepted unseen. */
export class AcceptHourlyContractBody {
  @EntityId()
  contractId!: string;
}

/** An IANA zone name (`Europe/Berlin`, `UTC`); offsets such as `+01:00` are refused (PostgreSQL reads their sign the POSIX way). */
const TimeZoneName = () =>
  ValidateBy({
    name: 'isTimeZoneName',
    validator: {
      validate: (value: unknown) => isTimeZone(value) && /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value as string),
      defaultMessage: () => '$property must be an IANA time zone name such as Europe/Berlin',
    },
  });

export class SetTimeZoneBody {
  @TimeZoneName()
  timeZone!: string;
}

export class CreateTimeEntryRequest extends Addressed(CreateTimeEntryBody, 'workspaceId') {}
export class UpdateTimeEntryRequest extends Addressed(UpdateTimeEntryBody, 'workspaceId', 'entryId') {}
export class TimeEntryRef extends Addressed(NoFields, 'workspaceId', 'entryId') {}
export class ListTimeEntriesRequest extends Addressed(ListTimeEntriesQuery, 'workspaceId') {}
export class TimeSummaryRequest extends Addressed(TimeSummaryQuery, 'workspaceId') {}
export class StartTimerRequest extends Addressed(StartTimerBody, 'workspaceId') {}
export class ProposeHourlyContractRequest extends Addressed(ProposeHourlyContractBody, 'workspaceId') {}
export class AcceptHourlyContractRequest extends Addressed(AcceptHourlyContractBody, 'workspaceId') {}
export class SetTimeZoneRequest extends Addressed(SetTimeZoneBody, 'workspaceId') {}

/** A closed week, named by its Monday (YYYY-MM-DD, the account's time zone). */
export class TimeWeekRefBody {
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date such as 2026-03-23 (the Monday)' })
  weekStart!: string;
}

/** Why the client disputes an entry of a closed week (the freelancer reads it). */
export class DisputeTimeEntryBody {
  @Text({ min: 1, max: FIELD_LIMITS.timeEntryNoteMaxLength })
  reason!: string;
}

export class TimeWeekRequest extends Addressed(TimeWeekRefBody, 'workspaceId') {}
export class TimeWeekEntryRequest extends Addressed(TimeWeekRefBody, 'workspaceId', 'entryId') {}
export class DisputeTimeEntryRequest extends Addressed(DisputeTimeEntryBody, 'workspaceId', 'entryId') {
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date such as 2026-03-23 (the Monday)' })
  weekStart!: string;
}
