import { z } from 'zod';

/**
 * Events the messaging service publishes through its outbox. Realtime delivers a
 * `messaging.*` event whose data carries `recipientUserIds` only to those users' sockets.
 */
export const MessagingEvents = {
  /** A new in-app notification (one per recipient). Envelope: aggregateId = the notification id. */
  notificationCreated: 'messaging.notification.created',
} as const;

export const notificationCreatedDataSchema = z.object({
  notificationId: z.string().regex(/^\d+$/),
  type: z.string().min(1),
  workspaceId: z.uuid().nullable(),
  headline: z.string().min(1),
  recipientUserIds: z.array(z.uuid()).min(1),
  createdAt: z.iso.datetime({ offset: true }),
});
export type NotificationCreatedData = z.infer<typeof notificationCreatedDataSchema>;

export const messagingEventDataSchemas = {
  [MessagingEvents.notificationCreated]: notificationCreatedDataSchema,
} as const;
