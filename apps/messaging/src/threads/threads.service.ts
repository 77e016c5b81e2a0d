import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { MessagePage, MessagingEvents, MessageView, ThreadView } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import { idempotent } from '@fpms/database/idempotency';
import type { TenantManager } from '@fpms/database/tenant-manager';
import type { VerifiedRpc } from '@fpms/messaging';
import { assertFeature, assertNotLocked, EntitlementsReader } from '@fpms/platform/entitlements';
import { MESSAGING_ENV, MessagingEnv } from '../config';
import { ReadStateRepository } from '../read-state/read-state.repository';
import { WorkspaceMembersRepository } from '../members/workspace-members.repository';
import { MessageEvents } from './message-events';
import { ThreadAccess, ThreadGrant } from './thread-access';
import { MessageRow, ThreadRow, toMessageView, toThreadView } from './thread-rows';
import { ThreadError } from './threads.errors';
import { ThreadsRepository } from './threads.repository';

type ThreadRef = { workspaceId: string; threadId: string };

/**
 * Threads and messages. Clients and viewers read, viewers never post (the matrix:
 * PostMessages); internal notes exist for the freelancer side only — to anyone else they
 * are not there at all (404, absent from pages and counts). Every write moves the unread
 * counters in its own transaction and records its `messaging.*` event in the outbox.
 * Posting follows the workspace account's plan: a locked account's freelancer side posts
 * nothing new (its clients still do), and internal notes need the plan's `internalNotes`;
 * edits, deletes, reads and what was posted before stay as they are.
 */
@Injectable()
export class ThreadsService {
  constructor(
    private readonly access: ThreadAccess,
    private readonly threads: ThreadsRepository,
    private readonly reads: ReadStateRepository,
    private readonly events: MessageEvents,
    private readonly members: WorkspaceMembersRepository,
    private readonly entitlements: EntitlementsReader,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(MESSAGING_ENV) private readonly env: MessagingEnv,
  ) {}

  list(caller: VerifiedRpc<unknown>, workspaceId: string): Promise<{ items: ThreadView[] }> {
    return this.access.run(caller, workspaceId, WorkspaceAction.ReadMessages, async (manager, grant) => {
      const [threads, reads] = await Promise.all([
        this.threads.list(manager, workspaceId),
        this.reads.forThreads(manager, workspaceId, caller.userId),
      ]);
      return { items: threads.map((t) => toThreadView(t, reads.get(t.id) ?? null, grant.seesInternal)) };
    });
  }

  get(caller: VerifiedRpc<unknown>, ref: ThreadRef): Promise<ThreadView> {
    return this.access.run(caller, ref.workspaceId, WorkspaceAction.ReadMessages, async (manager, grant) => {
      const thread = await this.thread(manager, ref);
      return toThreadView(thread, await this.reads.find(manager, thread.id, caller.userId), grant.seesInternal);
    });
  }

  listMessages(caller: VerifiedRpc<unknown>, ref: ThreadRef & { limit: number; before?: string; after?: string }): Promise<MessagePage> {
    if (ref.before !== undefined && ref.after !== undefined) throw ThreadError.conflictingCursors();
    return this.access.run(caller, ref.workspaceId, WorkspaceAction.ReadMessages, async (manager, grant) => {
      const thread = await this.thread(manager, ref);
      const before = ref.before === undefined ? undefined : Number(ref.before);
      const after = ref.after === undefined ? undefined : Number(ref.after);
      // One extra row says whether there is a further page in the direction of travel.
      const rows = await this.threads.page(manager, {
        workspaceId: ref.workspaceId,
        threadId: thread.id,
        before,
        after,
        limit: ref.limit + 1,
        withInternal: grant.seesInternal,
      });
      const more = rows.length > ref.limit;
      const page = rows.slice(0, ref.limit);
      // Items always come newest first; `after` pages are read oldest first to take the next ones.
      const items = (after === undefined ? page : [...page].reverse()).map(toMessageView);
      const oldest = items.at(-1);
      const newest = items.at(0);
      const olderExists = after === undefined ? more : oldest !== undefined;
      return {
        items,
        nextBefore: oldest && olderExists ? String(oldest.seq) : null,
        // Always a cursor towards newer messages (polling it answers what arrived since).
        nextAfter: newest ? String(newest.seq) : (ref.after ?? (before !== undefined ? String(before - 1) : null)),
      };
    });
  }

  async post(
    caller: VerifiedRpc<unknown>,
    input: ThreadRef & {
      text: string;
      attachments?: Array<{ fileId: string; versionId: string }>;
      internal?: boolean;
      mentions?: string[];
    },
  ): Promise<MessageView> {
    const internal = input.internal === true;
    const grant = await this.access.authorize(
      caller,
      input.workspaceId,
      internal ? WorkspaceAction.PostInternalNotes : WorkspaceAction.PostMessages,
    );
    // Checked with the files service before the transaction: no RPC is held open inside it.
    const attachments = await this.access.attachments(caller, input.workspaceId, input.attachments ?? []);
    return this.access.inTenant(
      caller,
      grant,
      idempotent(caller, async (manager) => {
        await this.assertPlanAllowsPosting(manager, grant, internal);
        const mentions = input.mentions ?? [];
        // Only members may be mentioned, and only the freelancer side in an internal note: a
        // mention is a notification, and it must not tell a client of a note they cannot read.
        const mentionable = await this.members.currentMembers(manager, input.workspaceId, mentions, internal ? 'freelancer' : undefined);
        const invalid = mentions.filter((id) => !mentionable.has(id));
        if (invalid.length > 0) throw ThreadError.mentionInvalid(invalid, internal);
        const now = this.clock.now();
        const seq = await this.threads.nextSeq(manager, input.workspaceId, input.threadId, internal, now);
        if (seq === null) throw ThreadError.threadNotFound(input.threadId);
        const message: MessageRow = {
          id: randomUUID(),
          threadId: input.threadId,
          accountId: grant.accountId,
          workspaceId: input.workspaceId,
          seq,
          authorId: caller.userId,
          text: input.text,
          attachments,
          internal,
          createdAt: now,
          editedAt: null,
          deletedAt: null,
        };
        await this.threads.insertMessage(manager, message);
        await this.reads.adjustForMessage(manager, { ...input, authorId: caller.userId, seq, internal, delta: 1 });
        // Posting means the author has read the thread up to their own message.
        await this.moveCursor(manager, caller, grant, input.threadId, seq, 0, message.id, internal);
        await this.events.message(manager, MessagingEvents.messagePosted, message, caller.requestId, mentions);
        return toMessageView(message);
      }),
    );
  }

  edit(caller: VerifiedRpc<unknown>, input: ThreadRef & { messageId: string; text: string }): Promise<MessageView> {
    return this.access.run(caller, input.workspaceId, WorkspaceAction.PostMessages, async (manager, grant) => {
      const message = await this.ownMessage(manager, grant, caller, input);
      const windowMs = this.env.MESSAGE_EDIT_WINDOW_MINUTES * 60_000;
      if (this.clock.now().getTime() - message.createdAt.getTime() > windowMs) {
        throw ThreadError.editWindowClosed(this.env.MESSAGE_EDIT_WINDOW_MINUTES);
      }
      const edited = { ...message, text: input.text, editedAt: this.clock.now() };
      await this.threads.saveEdit(manager, message.id, input.text, edited.editedAt);
      await this.events.message(manager, MessagingEvents.messageEdited, edited, caller.requestId);
      return toMessageView(edited);
    });
  }

  /** Deleting leaves a tombstone in the message's place; members who had not read it yet count it no more. */
  remove(caller: VerifiedRpc<unknown>, input: ThreadRef & { messageId: string }): Promise<MessageView> {
    return this.access.run(caller, input.workspaceId, WorkspaceAction.PostMessages, async (manager, grant) => {
      const message = await this.ownMessage(manager, grant, caller, input);
      const deleted = { ...message, text: null, attachments: [], deletedAt: this.clock.now() };
      await this.threads.tombstone(manager, message.id, deleted.deletedAt);
      await this.reads.adjustForMessage(manager, {
        workspaceId: input.workspaceId,
        threadId: input.threadId,
        authorId: message.authorId,
        seq: message.seq,
        internal: message.internal,
        delta: -1,
      });
      await this.events.message(manager, MessagingEvents.messageDeleted, deleted, caller.requestId);
      return toMessageView(deleted);
    });
  }

  /**
   * The workspace's account (the grant's: messaging holds no accounts of its own), from
   * memory: refused before anything is written, inside the idempotent transaction so a
   * replay of a message posted before the lock still answers what it answered.
   */
  private async assertPlanAllowsPosting(manager: TenantManager, grant: ThreadGrant, internal: boolean): Promise<void> {
    // Only the freelancer side sees internal notes: the same side the lock refuses.
    const freelancerSide = grant.seesInternal;
    if (!freelancerSide) return;
    const entitlements = await this.entitlements.forAccount(manager, grant.accountId);
    assertNotLocked(entitlements);
    if (internal) assertFeature(entitlements, 'internalNotes');
  }

  /** The caller's message, live, locked; a deleted one is 409, another's 403, an unseen internal note 404. */
  private async ownMessage(
    manager: TenantManager,
    grant: ThreadGrant,
    caller: VerifiedRpc<unknown>,
    input: ThreadRef & { messageId: string },
  ): Promise<MessageRow> {
    await this.thread(manager, input);
    const message = await this.threads.lockMessage(manager, input.workspaceId, input.threadId, input.messageId);
    if (!message || (message.internal && !grant.seesInternal)) throw ThreadError.messageNotFound(input.messageId);
    if (message.authorId !== caller.userId) throw ThreadError.notAuthor();
    if (message.deletedAt) throw ThreadError.deleted(message.id);
    return message;
  }

  /** Moves the caller's cursor (and the workspace total) and records the read receipt. Shared with ReadStateService. */
  async moveCursor(
    manager: TenantManager,
    caller: VerifiedRpc<unknown>,
    grant: ThreadGrant,
    threadId: string,
    seq: number,
    unread: number,
    messageId: string | null,
    internal: boolean,
  ): Promise<{ previousSeq: number } | null> {
    const state = await this.reads.lock(manager, threadId, caller.userId);
    // No row: the members projection has not seen this member yet; the next event creates it.
    if (!state || state.lastReadSeq >= seq) return null;
    await this.reads.moveCursor(manager, {
      workspaceId: grant.workspaceId,
      threadId,
      userId: caller.userId,
      seq,
      unread,
      previousUnread: state.unread,
    });
    await this.events.readCursorMoved(manager, {
      accountId: grant.accountId,
      workspaceId: grant.workspaceId,
      threadId,
      userId: caller.userId,
      lastReadSeq: seq,
      lastReadMessageId: messageId,
      internal,
      requestId: caller.requestId,
    });
    return { previousSeq: state.lastReadSeq };
  }

  async thread(manager: TenantManager, ref: ThreadRef): Promise<ThreadRow> {
    const thread = await this.threads.find(manager, ref.workspaceId, ref.threadId);
    if (!thread) throw ThreadError.threadNotFound(ref.threadId);
    return thread;
  }
}
