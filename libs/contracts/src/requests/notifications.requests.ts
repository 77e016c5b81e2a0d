import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, Matches, ValidateBy, ValidateNested } from 'class-validator';
import { EMAIL_DELIVERIES, NOTIFICATION_CHANNELS, NOTIFICATION_TYPES } from '../notifications/notification-catalogue';
import { IntInRange, OneOf, Optional, QueryBoolean } from './field-decorators';
import { PageQuery } from './paging';

/** An IANA time zone the runtime knows (Europe/Paris, Asia/Tokyo, UTC). */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const TimeZone = () =>
  ValidateBy({ name: 'isTimeZone', validator: { validate: isTimeZone, defaultMessage: () => '$property must be an IANA time zone' } });

export class ListNotificationsQuery extends PageQuery {
  /** `true`: unread ones only. */
  @Optional()
  @QueryBoolean()
  unread?: boolean;
}

/** The route's notification id (a bigint, as `nextBefore` cursors are). */
export class NotificationRef {
  @Matches(/^\d{1,18}$/)
  notificationId!: string;
}

export class NotificationTypePreference {
  @OneOf(NOTIFICATION_TYPES)
  type!: string;

  /** `email`: in the app and by email; `in_app`: in the app only; `off`: nothing. */
  @OneOf(NOTIFICATION_CHANNELS)
  channel!: string;

  /** For email: now (one email per burst, see the dedup window) or in the daily digest. */
  @Optional()
  @OneOf(EMAIL_DELIVERIES)
  delivery?: string;
}

export class UpdateNotificationPreferencesBody {
  @Optional()
  @TimeZone()
  timeZone?: string;

  /** Local hour (0–23) the daily digest is sent at. */
  @Optional()
  @IntInRange({ min: 0, max: 23 })
  digestHour?: number;

  /** `false` turns every notification email off (what the digest's unsubscribe link does); `true` turns them back on. */
  @Optional()
  @ValidateBy({
    name: 'isBoolean',
    validator: { validate: (v) => typeof v === 'boolean', defaultMessage: () => '$property must be a boolean' },
  })
  emailEnabled?: boolean;

  @Optional()
  @IsArray()
  @ArrayMaxSize(NOTIFICATION_TYPES.length)
  @ValidateNested({ each: true })
  @Type(() => NotificationTypePreference)
  types?: NotificationTypePreference[];
}
