import { Injectable } from '@nestjs/common';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { ReadCursorView, UnreadSummaryView } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import type { VerifiedRpc } from '@fpms/messaging';
import { ThreadAccess } from '../threads/thread-access';
import { ThreadError } from '../threads/threads.errors';
import { ThreadsRepository } from '../threads/threads.repository';
import { ThreadsService } from '../threads/threads.service';
import { ReadStateRepository } from './read-state.repository';

/**
 * Read cursors move forward only. Reading to the thread's end sets the counter to zero
 * outright; reading to an earlier message counts only the messages after it (what stays
 * unread), never the thread's history. Unread counts are read by primary key.
 */
@Injectable()
export class ReadStateService {
  constructor(
    private readonly access: ThreadAccess,
    private readonly tx: TenantTransactions,
    private readonly threads: ThreadsRepository,
    private readonly threadsService: ThreadsService,
    private readonly reads: ReadStateRepository,
  ) {}

  markRead(caller: VerifiedRpc<unknown>, input: { workspaceId: string; threadId: string; messageId?: string }): Promise<ReadCursorView> {
    return this.access.run(caller, input.workspaceId, WorkspaceAction.ReadMessages, async (manager, grant) => {
      const thread = await this.threadsService.thread(manager, input);
      let seq = thread.lastSeq;
      let messageId: string | null = null;
      let internal = false;
      if (input.messageId) {
        const message = await this.threads.findMessage(manager, input.workspaceId, thread.id, input.messageId);
        if (!message || (message.internal && !grant.seesInternal)) throw ThreadError.messageNotFound(input.messageId);
        seq = message.seq;
        messageId = message.id;
        internal = message.internal;
      }
      const unread =
        seq >= thread.lastSeq
          ? 0
          : await this.threads.countUnreadAfter(manager, {
              workspaceId: input.workspaceId,
              threadId: thread.id,
              seq,
              userId: caller.userId,
              withInternal: grant.seesInternal,
            });
      // Reading to the end: the receipt points at the newest message visible to all only if it is not a note.
      if (!input.messageId && seq > 0) {
        const [newest] = await this.threads.page(manager, {
          workspaceId: input.workspaceId,
          threadId: thread.id,
          before: seq + 1,
          limit: 1,
          withInternal: true,
        });
        messageId = newest?.id ?? null;
        internal = newest?.internal ?? false;
      }
      await this.threadsService.moveCursor(manager, caller, grant, thread.id, seq, unread, messageId, internal);
      const state = await this.reads.find(manager, thread.id, caller.userId);
      return {
        threadId: thread.id,
        lastReadSeq: state?.lastReadSeq ?? 0,
        unread: state?.unread ?? 0,
        workspaceUnread: await this.reads.workspaceUnread(manager, input.workspaceId, caller.userId),
      };
    });
  }

  /** GET /me's unread counts: the user's own rows in every workspace, one index range on user_id. */
  summary(caller: VerifiedRpc<unknown>): Promise<UnreadSummaryView> {
    return this.tx.runForUser({ userId: caller.userId }, async (manager) => {
      const workspaces = await this.reads.summary(manager, caller.userId);
      return { total: workspaces.reduce((sum, w) => sum + w.unread, 0), workspaces };
    });
  }
}
