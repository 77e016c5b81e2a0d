import { NoFields, WorkspaceRef } from '../requests/addressed';
import {
  EditMessageRequest,
  ListMessagesRequest,
  MarkReadRequest,
  MessageRefRequest,
  PostMessageRequest,
  ThreadRefRequest,
} from '../requests/threads.requests';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('messaging');

export const THREAD_KINDS = ['general', 'milestone'] as const;

export interface ThreadView {
  id: string;
  workspaceId: string;
  kind: (typeof THREAD_KINDS)[number];
  /** The milestone of a milestone thread; null for the general thread. */
  milestoneId: string | null;
  title: string;
  createdAt: string;
  /** When the newest message the caller can see was posted (null: none yet). */
  lastMessageAt: string | null;
  /** Messages the caller has not read (their own and deleted ones never count). */
  unread: number;
  /** The `seq` of the caller's read cursor (0: nothing read). */
  lastReadSeq: number;
}

export interface MessageAttachmentView {
  fileId: string;
  versionId: string;
  name: string;
  size: number;
  contentType: string;
}

export interface MessageView {
  id: string;
  threadId: string;
  workspaceId: string;
  /** Position in the thread (1, 2, 3…, shared by internal notes): the paging cursor. */
  seq: number;
  authorId: string;
  /** Exactly as posted; null once deleted (a tombstone keeps its place in the thread). */
  text: string | null;
  attachments: MessageAttachmentView[];
  internal: boolean;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
}

export interface MessagePage {
  items: MessageView[];
  /** Pass as `before` for the next older page (null: no older message). */
  nextBefore: string | null;
  /** Pass as `after` for newer messages (the newest item's seq; null only for an empty thread). */
  nextAfter: string | null;
}

export interface ReadCursorView {
  threadId: string;
  lastReadSeq: number;
  unread: number;
  /** The caller's unread total in the workspace. */
  workspaceUnread: number;
}

export interface UnreadSummaryView {
  total: number;
  workspaces: Array<{ workspaceId: string; unread: number }>;
}

export const ThreadsRpc = {
  list: rpcPattern<{ items: ThreadView[] }>()(queue, 'messaging.threads.list', WorkspaceRef),
  get: rpcPattern<ThreadView>()(queue, 'messaging.threads.get', ThreadRefRequest),
  listMessages: rpcPattern<MessagePage>()(queue, 'messaging.messages.list', ListMessagesRequest),
  post: rpcPattern<MessageView>()(queue, 'messaging.messages.post', PostMessageRequest),
  edit: rpcPattern<MessageView>()(queue, 'messaging.messages.edit', EditMessageRequest),
  remove: rpcPattern<MessageView>()(queue, 'messaging.messages.delete', MessageRefRequest),
  markRead: rpcPattern<ReadCursorView>()(queue, 'messaging.read.mark', MarkReadRequest),
  /** The caller's unread counts in every workspace (for GET /me): one row per workspace, read by the user's key. */
  unreadSummary: rpcPattern<UnreadSummaryView>()(queue, 'messaging.read.summary', NoFields),
} as const;
