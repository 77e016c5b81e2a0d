import type { MessageAttachmentView, MessageView, ThreadView } from '@fpms/contracts';

export interface ThreadRow {
  id: string;
  accountId: string;
  workspaceId: string;
  kind: 'general' | 'milestone';
  milestoneId: string | null;
  title: string;
  lastSeq: number;
  lastMessageAt: Date | null;
  lastPublicMessageAt: Date | null;
  createdAt: Date;
}

export interface MessageRow {
  id: string;
  threadId: string;
  accountId: string;
  workspaceId: string;
  seq: number;
  authorId: string;
  text: string | null;
  attachments: MessageAttachmentView[];
  internal: boolean;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
}

const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

export function toThreadRow(r: Record<string, unknown>): ThreadRow {
  return {
    id: r.id as string,
    accountId: r.account_id as string,
    workspaceId: r.workspace_id as string,
    kind: r.kind as ThreadRow['kind'],
    milestoneId: (r.milestone_id as string | null) ?? null,
    title: r.title as string,
    lastSeq: Number(r.last_seq),
    lastMessageAt: date(r.last_message_at),
    lastPublicMessageAt: date(r.last_public_message_at),
    createdAt: new Date(r.created_at as string),
  };
}

export function toMessageRow(r: Record<string, unknown>): MessageRow {
  return {
    id: r.id as string,
    threadId: r.thread_id as string,
    accountId: r.account_id as string,
    workspaceId: r.workspace_id as string,
    seq: Number(r.seq),
    authorId: r.author_id as string,
    text: (r.text as string | null) ?? null,
    attachments: (r.attachments as MessageAttachmentView[]) ?? [],
    internal: r.internal as boolean,
    createdAt: new Date(r.created_at as string),
    editedAt: date(r.edited_at),
    deletedAt: date(r.deleted_at),
  };
}

export function toMessageView(m: MessageRow): MessageView {
  return {
    id: m.id,
    threadId: m.threadId,
    workspaceId: m.workspaceId,
    seq: m.seq,
    authorId: m.authorId,
    text: m.deletedAt ? null : m.text,
    attachments: m.deletedAt ? [] : m.attachments,
    internal: m.internal,
    createdAt: m.createdAt.toISOString(),
    editedAt: m.editedAt?.toISOString() ?? null,
    deletedAt: m.deletedAt?.toISOString() ?? null,
  };
}

/** A thread as one member sees it: internal activity counts only for the freelancer side. */
export function toThreadView(t: ThreadRow, read: { lastReadSeq: number; unread: number } | null, seesInternal: boolean): ThreadView {
  const last = seesInternal ? t.lastMessageAt : t.lastPublicMessageAt;
  return {
    id: t.id,
    workspaceId: t.workspaceId,
    kind: t.kind,
    milestoneId: t.milestoneId,
    title: t.title,
    createdAt: t.createdAt.toISOString(),
    lastMessageAt: last?.toISOString() ?? null,
    unread: read?.unread ?? 0,
    lastReadSeq: read?.lastReadSeq ?? 0,
  };
}
