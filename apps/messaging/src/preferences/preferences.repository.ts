import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EmailDelivery, NotificationChannel } from '@fpms/contracts';

export interface UserSettings {
  timeZone: string;
  digestHour: number;
  emailEnabled: boolean;
}

export interface TypePreference {
  channel: NotificationChannel;
  delivery: EmailDelivery;
}

/** SQL: the first moment strictly after $now at which it is `digest_hour`:00 in `time_zone` (columns of notification_settings). */
const NEXT_LOCAL_MORNING = `(case
    when date_trunc('day', $2::timestamptz at time zone time_zone) + make_interval(hours => digest_hour) > ($2::timestamptz at time zone time_zone)
    then date_trunc('day', $2::timestamptz at time zone time_zone) + make_interval(hours => digest_hour)
    else date_trunc('day', $2::timestamptz at time zone time_zone) + make_interval(hours => digest_hour) + interval '1 day'
  end) at time zone time_zone`;

export const DEFAULT_SETTINGS: UserSettings = { timeZone: 'UTC', digestHour: 8, emailEnabled: true };

/** Per-user settings and per-type choices: global rows (users are global), always addressed by user id. */
@Injectable()
export class PreferencesRepository {
  async settings(manager: EntityManager, userId: string): Promise<UserSettings> {
    const [row] = await manager.query(`select time_zone, digest_hour, email_enabled from notification_settings where user_id = $1`, [
      userId,
    ]);
    return row
      ? { timeZone: row.time_zone, digestHour: Number(row.digest_hour), emailEnabled: row.email_enabled }
      : { ...DEFAULT_SETTINGS };
  }

  async saveSettings(manager: EntityManager, userId: string, patch: Partial<UserSettings>, now: Date): Promise<void> {
    const current = await this.settings(manager, userId);
    const next = { ...current, ...patch };
    await manager.query(
      `insert into notification_settings (user_id, time_zone, digest_hour, email_enabled) values ($1, $2, $3, $4)
       on conflict (user_id) do update set time_zone = excluded.time_zone, digest_hour = excluded.digest_hour,
         email_enabled = excluded.email_enabled, updated_at = now()`,
      [userId, next.timeZone, next.digestHour, next.emailEnabled],
    );
    // A digest already scheduled moves to the new zone's (or hour's) next morning.
    await manager.query(
      `update notification_settings set next_digest_at = ${NEXT_LOCAL_MORNING} where user_id = $1 and next_digest_at is not null`,
      [userId, now],
    );
  }

  /** An item waits for the user's digest: schedule it for their next local morning, unless one is scheduled. */
  async scheduleDigest(manager: EntityManager, userId: string, now: Date): Promise<void> {
    await manager.query(`insert into notification_settings (user_id) values ($1) on conflict do nothing`, [userId]);
    await manager.query(
      `update notification_settings set next_digest_at = ${NEXT_LOCAL_MORNING} where user_id = $1 and next_digest_at is null`,
      [userId, now],
    );
  }

  async typePreferences(manager: EntityManager, userId: string): Promise<Map<string, TypePreference>> {
    const rows: { type: string; channel: NotificationChannel; delivery: EmailDelivery }[] = await manager.query(
      `select type, channel, delivery from notification_preferences where user_id = $1`,
      [userId],
    );
    return new Map(rows.map((r) => [r.type, { channel: r.channel, delivery: r.delivery }]));
  }

  async saveTypePreference(manager: EntityManager, userId: string, type: string, pref: TypePreference): Promise<void> {
    await manager.query(
      `insert into notification_preferences (user_id, type, channel, delivery) values ($1, $2, $3, $4)
       on conflict (user_id, type) do update set channel = excluded.channel, delivery = excluded.delivery, updated_at = now()`,
      [userId, type, pref.channel, pref.delivery],
    );
  }
}
