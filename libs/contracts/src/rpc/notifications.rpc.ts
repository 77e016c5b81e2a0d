import { NoFields } from '../requests/addressed';
import { ListNotificationsQuery, NotificationRef, UpdateNotificationPreferencesBody } from '../requests/notifications.requests';
import type { EmailDelivery, NotificationChannel } from '../notifications/notification-catalogue';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('messaging');

export interface NotificationView {
  id: string;
  type: string;
  workspaceId: string | null;
  subject: { kind: string; id: string };
  headline: string;
  /** Who caused it (null: the system). */
  actorUserId: string | null;
  readAt: string | null;
  createdAt: string;
}

export interface NotificationListView {
  items: NotificationView[];
  nextBefore: string | null;
  unreadCount: number;
}

export interface NotificationPreferencesView {
  timeZone: string;
  digestHour: number;
  emailEnabled: boolean;
  /** Every catalogue type with the user's choice (or its default). */
  types: { type: string; channel: NotificationChannel; delivery: EmailDelivery; isDefault: boolean }[];
}

/** The caller's own notifications and preferences: every pattern acts for the verified user only. */
export const NotificationsRpc = {
  list: rpcPattern<NotificationListView>()(queue, 'messaging.notifications.list', ListNotificationsQuery),
  markRead: rpcPattern<NotificationView>()(queue, 'messaging.notifications.mark_read', NotificationRef),
  markAllRead: rpcPattern<{ marked: number }>()(queue, 'messaging.notifications.mark_all_read', NoFields),
  getPreferences: rpcPattern<NotificationPreferencesView>()(queue, 'messaging.notifications.preferences.get', NoFields),
  updatePreferences: rpcPattern<NotificationPreferencesView>()(
    queue,
    'messaging.notifications.preferences.update',
    UpdateNotificationPreferencesBody,
  ),
} as const;
