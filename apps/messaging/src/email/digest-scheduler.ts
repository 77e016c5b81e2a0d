import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@fpms/common/scheduling/clock';
import { ScheduledJob } from '@fpms/common/scheduling/scheduled-job';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction, SystemManager } from '@fpms/database/tenant-manager';
import { MESSAGING_ENV, MessagingEnv } from '../config';
import { NotificationContactsRepository } from '../notifications/notification-contacts.repository';
import { NotificationsRepository } from '../notifications/notifications.repository';
import { EmailOutbox } from './email-outbox';
import { DigestEmailData } from './email-templates';

interface DueUser {
  user_id: string;
  local_date: string;
}

/**
 * Sends each digest user one email a day at their local morning: the first item waiting
 * for a digest sets `next_digest_at` to the next `digest_hour`:00 in the user's time zone,
 * and this job sends what waits once that moment has come. Every replica runs it: the
 * settings row is locked (SKIP LOCKED) while the digest is built, and cleared with it.
 */
@Injectable()
export class DigestScheduler extends ScheduledJob<number> {
  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly notifications: NotificationsRepository,
    private readonly contacts: NotificationContactsRepository,
    private readonly outbox: EmailOutbox,
    private readonly clock: Clock,
    @Inject(MESSAGING_ENV) env: MessagingEnv,
  ) {
    super('notification-digest', env.DIGEST_INTERVAL_MS);
  }

  protected async round(): Promise<number> {
    let sent = 0;
    for (;;) {
      const batch = await systemTransaction(this.system, async (m) => {
        const due = await this.due(m, this.clock.now());
        for (const user of due) sent += (await this.send(m, user)) ? 1 : 0;
        return due.length;
      });
      if (batch === 0) return sent;
    }
  }

  private async emailEnabled(m: SystemManager, userId: string): Promise<boolean> {
    const [row] = await m.query(`select email_enabled from notification_settings where user_id = $1`, [userId]);
    return row?.email_enabled === true;
  }

  private due(m: SystemManager, now: Date): Promise<DueUser[]> {
    return m.query(
      `select s.user_id, to_char(($1::timestamptz at time zone s.time_zone)::date, 'YYYY-MM-DD') as local_date
         from notification_settings s
        where s.next_digest_at <= $1
        order by s.next_digest_at
        limit 50
        for update of s skip locked`,
      [now],
    );
  }

  private async send(m: SystemManager, user: DueUser): Promise<boolean> {
    const now = this.clock.now();
    await m.query(`update notification_settings set next_digest_at = null where user_id = $1`, [user.user_id]);
    const items = await this.notifications.takeDigestItems(m, user.user_id, now);
    const contact = await this.contacts.find(m, user.user_id);
    if (!contact || items.length === 0 || !(await this.emailEnabled(m, user.user_id))) return false;
    const data: DigestEmailData = {
      recipientName: contact.displayName,
      localDate: user.local_date,
      items: items.map((i) => ({ type: i.type, headline: i.headline, createdAt: i.createdAt })),
    };
    await this.outbox.enqueue(m, {
      to: { address: contact.email, userId: contact.userId },
      templateId: 'digest',
      data: { ...data },
      unsubscribeScope: 'all',
    });
    return true;
  }
}
