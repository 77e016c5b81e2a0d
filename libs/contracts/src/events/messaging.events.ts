import { z } from 'zod';

/**
 * Events the messaging service publishes through its outbox. Envelope: `tenant = { accountId,
 * workspaceId }`; `aggregateId` = the thread id, `aggregateVersion` = the thread's message
 * counter (`seq`) at the change (a read cursor: the cursor's seq).
 *
 * The gateway's realtime consumer (queue `realtime.events`) forwards every `messaging.*`
 * event to sockets by the room rule (docs/realtime.md): data with `recipientUserIds` goes to
 * those users' rooms only; otherwise to the workspace's room, and to its freelancer-side
 * room only when `internal` is true.
 */
export const MessagingEvents = {
  messagePosted: 'messaging.message.posted',
  messageEdited: 'messaging.message.edited',
  /** Deleted: the message is a tombstone now (text and attachments gone, place kept). */
  messageDeleted: 'messaging.message.deleted',
  /** A member's read cursor moved forward (a read receipt). */
  readCursorMoved: 'messaging.read_cursor.moved',
  /** A new in-app notification (one per recipient). Envelope: aggregateId = the notification id. */
  notificationCreated: 'messaging.notification.created',
} as const;

/** Who a realtime event is for; every `messaging.*` data schema extends it. */
export const realtimeAudienceSchema = z.object({
  workspaceId: z.uuid(),
  /** Freelancer side only (internal notes, and receipts pointing at one). */
  internal: z.boolean(),
  /** When set: these users only (their `user:<id>` rooms), never the whole workspace. */
  recipientUserIds: z.array(z.uuid()).optional(),
});

export const messageEventMessageSchema = z.object({
  id: z.uuid(),
  threadId: z.uuid(),
  seq: z.number().int().positive(),
  authorId: z.uuid(),
  text: z.string().nullable(),
  attachments: z.array(
    z.object({
      fileId: z.uuid(),
      versionId: z.uuid(),
      name: z.string(),
      size: z.number().int().nonnegative(),
      contentType: z.string(),
    }),
  ),
  internal: z.boolean(),
  createdAt: z.iso.datetime({ offset: true }),
  editedAt: z.iso.datetime({ offset: true }).nullable(),
  deletedAt: z.iso.datetime({ offset: true }).nullable(),
});

export const messageEventDataSchema = realtimeAudienceSchema.extend({
  threadId: z.uuid(),
  /** Who posted, edited or deleted (the message's author). */
  authorUserId: z.uuid(),
  /** Members the message mentions (posted only): each is notified. */
  mentionedUserIds: z.array(z.uuid()).optional(),
  message: messageEventMessageSchema,
});
export type MessageEventData = z.infer<typeof messageEventDataSchema>;

export const readCursorMovedDataSchema = realtimeAudienceSchema.extend({
  threadId: z.uuid(),
  userId: z.uuid(),
  lastReadSeq: z.number().int().nonnegative(),
  lastReadMessageId: z.uuid().nullable(),
});
export type ReadCursorMovedData = z.infer<typeof readCursorMovedDataSchema>;

export const notificationCreatedDataSchema = z.object({
  notificationId: z.string().regex(/^\d+$/),
  type: z.string().min(1),
  workspaceId: z.uuid().nullable(),
  headline: z.string().min(1),
  /** Realtime sends it to these users' rooms only. */
  recipientUserIds: z.array(z.uuid()).min(1),
  createdAt: z.iso.datetime({ offset: true }),
});
export type NotificationCreatedData = z.infer<typeof notificationCreatedDataSchema>;

/** The data schema of each messaging event type: one definition for producer and consumers. */
export const messagingEventDataSchemas = {
  [MessagingEvents.messagePosted]: messageEventDataSchema,
  [MessagingEvents.messageEdited]: messageEventDataSchema,
  [MessagingEvents.messageDeleted]: messageEventDataSchema,
  [MessagingEvents.readCursorMoved]: readCursorMovedDataSchema,
  [MessagingEvents.notificationCreated]: notificationCreatedDataSchema,
} as const;
