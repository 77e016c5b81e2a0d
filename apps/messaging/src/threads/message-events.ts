import { Injectable } from '@nestjs/common';
import { MessagingEvents } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { OutboxWriter } from '@fpms/messaging';
import { MessageRow, toMessageView } from './thread-rows';

type MessageEventType = typeof MessagingEvents.messagePosted | typeof MessagingEvents.messageEdited | typeof MessagingEvents.messageDeleted;

/**
 * The `messaging.*` events of thread writes, recorded in the write's own transaction (the
 * outbox). `internal` marks what only the freelancer side may receive (the room rule of
 * docs/realtime.md): an internal note, or a read receipt pointing at one.
 */
@Injectable()
export class MessageEvents {
  constructor(private readonly outbox: OutboxWriter) {}

  async message(
    manager: TenantManager,
    type: MessageEventType,
    message: MessageRow,
    requestId: string,
    mentions: string[] = [],
  ): Promise<void> {
    await this.outbox.add(manager, {
      type,
      tenant: { accountId: message.accountId, workspaceId: message.workspaceId },
      aggregateId: message.threadId,
      aggregateVersion: message.seq,
      requestId,
      data: {
        workspaceId: message.workspaceId,
        threadId: message.threadId,
        internal: message.internal,
        // The actor, for notifications (never told of their own message).
        authorUserId: message.authorId,
        ...(mentions.length > 0 ? { mentionedUserIds: mentions } : {}),
        message: toMessageView(message),
      },
    });
  }

  async readCursorMoved(
    manager: TenantManager,
    input: {
      accountId: string;
      workspaceId: string;
      threadId: string;
      userId: string;
      lastReadSeq: number;
      lastReadMessageId: string | null;
      internal: boolean;
      requestId: string;
    },
  ): Promise<void> {
    await this.outbox.add(manager, {
      type: MessagingEvents.readCursorMoved,
      tenant: { accountId: input.accountId, workspaceId: input.workspaceId },
      aggregateId: input.threadId,
      aggregateVersion: input.lastReadSeq,
      requestId: input.requestId,
      data: {
        workspaceId: input.workspaceId,
        threadId: input.threadId,
        userId: input.userId,
        lastReadSeq: input.lastReadSeq,
        lastReadMessageId: input.lastReadMessageId,
        internal: input.internal,
      },
    });
  }
}
