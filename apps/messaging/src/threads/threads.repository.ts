import { Injectable } from '@nestjs/common';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { MessageRow, ThreadRow, toMessageRow, toThreadRow } from './thread-rows';

type Rows = Array<Record<string, unknown>>;

/** Threads and their messages. Every query names the workspace as well as RLS scoping it. */
@Injectable()
export class ThreadsRepository {
  /** Idempotent: a redelivered event finds the thread there and creates nothing. True if created. */
  async create(
    manager: TenantManager,
    input: {
      id: string;
      accountId: string;
      workspaceId: string;
      kind: ThreadRow['kind'];
      milestoneId: string | null;
      title: string;
      now: Date;
    },
  ): Promise<boolean> {
    const rows: Rows = await manager.query(
      `insert into threads (id, account_id, workspace_id, kind, milestone_id, title, created_at)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict do nothing returning id`,
      [input.id, input.accountId, input.workspaceId, input.kind, input.milestoneId, input.title, input.now],
    );
    return rows.length > 0;
  }

  async list(manager: TenantManager, workspaceId: string): Promise<ThreadRow[]> {
    const rows: Rows = await manager.query(
      `select * from threads where workspace_id = $1 order by (kind = 'general') desc, created_at, id`,
      [workspaceId],
    );
    return rows.map(toThreadRow);
  }

  async find(manager: TenantManager, workspaceId: string, threadId: string): Promise<ThreadRow | null> {
    const [r]: Rows = await manager.query(`select * from threads where workspace_id = $1 and id = $2`, [workspaceId, threadId]);
    return r ? toThreadRow(r) : null;
  }

  /** Takes the next seq under the thread's row lock: posts to one thread are strictly ordered. */
  async nextSeq(manager: TenantManager, workspaceId: string, threadId: string, internal: boolean, now: Date): Promise<number | null> {
    // TypeORM answers an UPDATE … RETURNING on PostgreSQL as [rows, affected].
    const [updated]: [Rows, number] = await manager.query(
      `update threads set last_seq = last_seq + 1, last_message_at = $3,
         last_public_message_at = case when $4 then last_public_message_at else $3 end
       where workspace_id = $1 and id = $2 returning last_seq`,
      [workspaceId, threadId, now, internal],
    );
    const [r] = updated;
    return r ? Number(r.last_seq) : null;
  }

  async insertMessage(manager: TenantManager, m: MessageRow): Promise<void> {
    await manager.query(
      `insert into messages (id, thread_id, account_id, workspace_id, seq, author_id, text, attachments, internal, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)`,
      [m.id, m.threadId, m.accountId, m.workspaceId, m.seq, m.authorId, m.text, JSON.stringify(m.attachments), m.internal, m.createdAt],
    );
  }

  async lockMessage(manager: TenantManager, workspaceId: string, threadId: string, messageId: string): Promise<MessageRow | null> {
    const [r]: Rows = await manager.query(`select * from messages where workspace_id = $1 and thread_id = $2 and id = $3 for update`, [
      workspaceId,
      threadId,
      messageId,
    ]);
    return r ? toMessageRow(r) : null;
  }

  async findMessage(manager: TenantManager, workspaceId: string, threadId: string, messageId: string): Promise<MessageRow | null> {
    const [r]: Rows = await manager.query(`select * from messages where workspace_id = $1 and thread_id = $2 and id = $3`, [
      workspaceId,
      threadId,
      messageId,
    ]);
    return r ? toMessageRow(r) : null;
  }

  async saveEdit(manager: TenantManager, messageId: string, text: string, now: Date): Promise<void> {
    await manager.query(`update messages set text = $2, edited_at = $3 where id = $1`, [messageId, text, now]);
  }

  /** The tombstone: text and attachments go, the row (its seq, author, time) stays. */
  async tombstone(manager: TenantManager, messageId: string, now: Date): Promise<void> {
    await manager.query(`update messages set text = null, attachments = '[]'::jsonb, deleted_at = $2 where id = $1`, [messageId, now]);
  }

  /**
   * One page by keyset on (thread_id, seq): `before` newest first, `after` oldest first,
   * neither: the newest page. Internal notes only when `withInternal`.
   */
  async page(
    manager: TenantManager,
    input: { workspaceId: string; threadId: string; before?: number; after?: number; limit: number; withInternal: boolean },
  ): Promise<MessageRow[]> {
    const ascending = input.after !== undefined;
    const bound = ascending ? `and seq > $3` : input.before !== undefined ? `and seq < $3` : `and $3::bigint is null`;
    const rows: Rows = await manager.query(
      `select * from messages
        where workspace_id = $1 and thread_id = $2 ${bound} and ($5 or not internal)
        order by seq ${ascending ? 'asc' : 'desc'} limit $4`,
      [input.workspaceId, input.threadId, input.after ?? input.before ?? null, input.limit, input.withInternal],
    );
    return rows.map(toMessageRow);
  }

  /**
   * Unread messages of `userId` after `seq`: only the messages past the new cursor are
   * counted (at most what was unread), never the thread's history.
   */
  async countUnreadAfter(
    manager: TenantManager,
    input: { workspaceId: string; threadId: string; seq: number; userId: string; withInternal: boolean },
  ): Promise<number> {
    const [r]: Rows = await manager.query(
      `select count(*)::int as n from messages
        where workspace_id = $1 and thread_id = $2 and seq > $3 and author_id <> $4 and deleted_at is null and ($5 or not internal)`,
      [input.workspaceId, input.threadId, input.seq, input.userId, input.withInternal],
    );
    return Number(r.n);
  }
}
