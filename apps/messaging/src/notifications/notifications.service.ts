import { Injectable } from '@nestjs/common';
import { NotificationListView, NotificationPreferencesView, NotificationView, UpdateNotificationPreferencesBody } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { PreferencesService } from '../preferences/preferences.service';
import { NotificationError } from './notification.errors';
import { NotificationsRepository } from './notifications.repository';

/** The caller's own notifications and preferences: every unit of work runs as the verified user. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly notifications: NotificationsRepository,
    private readonly preferences: PreferencesService,
    private readonly clock: Clock,
  ) {}

  list(userId: string, query: { limit: number; before?: string; unread?: boolean }): Promise<NotificationListView> {
    return this.tx.runForUser({ userId }, async (m) => ({
      ...(await this.notifications.listForUser(m, userId, query.limit, query.before, query.unread === true)),
      unreadCount: await this.notifications.unreadCount(m, userId),
    }));
  }

  markRead(userId: string, notificationId: string): Promise<NotificationView> {
    return this.tx.runForUser({ userId }, async (m) => {
      const view = await this.notifications.markRead(m, userId, notificationId, this.clock.now());
      if (!view) throw NotificationError.notificationNotFound();
      return view;
    });
  }

  markAllRead(userId: string): Promise<{ marked: number }> {
    return this.tx.runForUser({ userId }, async (m) => ({ marked: await this.notifications.markAllRead(m, userId, this.clock.now()) }));
  }

  getPreferences(userId: string): Promise<NotificationPreferencesView> {
    return this.tx.runForUser({ userId }, (m) => this.preferences.view(m, userId));
  }

  updatePreferences(userId: string, body: UpdateNotificationPreferencesBody): Promise<NotificationPreferencesView> {
    return this.tx.runForUser({ userId }, (m) => this.preferences.update(m, userId, body, this.clock.now()));
  }
}
