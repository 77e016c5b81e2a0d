import { Injectable } from '@nestjs/common';
import type { TenantManager } from '@fpms/database/tenant-manager';

type Rows = Array<Record<string, unknown>>;

export interface ReadState {
  lastReadSeq: number;
  unread: number;
}

/**
 * Read cursors and unread counters, kept on every write so that reading them is a
 * primary-key lookup: `read_states` (thread, user) and `workspace_unread` (workspace, user).
 * A message changes the counters of the workspace's current members (a few rows), never
 * scans the thread.
 */
@Injectable()
export class ReadStateRepository {
  async find(manager: TenantManager, threadId: string, userId: string): Promise<ReadState | null> {
    const [r]: Rows = await manager.query(`select last_read_seq, unread from read_states where thread_id = $1 and user_id = $2`, [
      threadId,
      userId,
    ]);
    return r ? { lastReadSeq: Number(r.last_read_seq), unread: Number(r.unread) } : null;
  }

  async lock(manager: TenantManager, threadId: string, userId: string): Promise<ReadState | null> {
    const [r]: Rows = await manager.query(
      `select last_read_seq, unread from read_states where thread_id = $1 and user_id = $2 for update`,
      [threadId, userId],
    );
    return r ? { lastReadSeq: Number(r.last_read_seq), unread: Number(r.unread) } : null;
  }

  async forThreads(manager: TenantManager, workspaceId: string, userId: string): Promise<Map<string, ReadState>> {
    const rows: Rows = await manager.query(
      `select thread_id, last_read_seq, unread from read_states where workspace_id = $1 and user_id = $2`,
      [workspaceId, userId],
    );
    return new Map(rows.map((r) => [r.thread_id as string, { lastReadSeq: Number(r.last_read_seq), unread: Number(r.unread) }]));
  }

  async workspaceUnread(manager: TenantManager, workspaceId: string, userId: string): Promise<number> {
    const [r]: Rows = await manager.query(`select unread from workspace_unread where workspace_id = $1 and user_id = $2`, [
      workspaceId,
      userId,
    ]);
    return r ? Number(r.unread) : 0;
  }

  /** Every workspace row of the user (a user-scoped transaction: RLS lets users read their own rows). */
  async summary(manager: TenantManager, userId: string): Promise<Array<{ workspaceId: string; unread: number }>> {
    const rows: Rows = await manager.query(`select workspace_id, unread from workspace_unread where user_id = $1 order by workspace_id`, [
      userId,
    ]);
    return rows.map((r) => ({ workspaceId: r.workspace_id as string, unread: Number(r.unread) }));
  }

  /**
   * A member starts every thread read (cursor at its newest message); idempotent. `for share`
   * waits for a message being posted right now, so its seq is the cursor (never counted unread
   * yet missed by the post's counter update).
   */
  async addMember(manager: TenantManager, input: { accountId: string; workspaceId: string; userId: string }): Promise<void> {
    await manager.query(
      `insert into read_states (thread_id, user_id, account_id, workspace_id, last_read_seq)
       select id, $3::uuid, account_id, workspace_id, last_seq from threads where workspace_id = $2 and account_id = $1
       for share
       on conflict do nothing`,
      [input.accountId, input.workspaceId, input.userId],
    );
    await manager.query(`insert into workspace_unread (workspace_id, user_id, account_id) values ($1, $2, $3) on conflict do nothing`, [
      input.workspaceId,
      input.userId,
      input.accountId,
    ]);
  }

  async removeMember(manager: TenantManager, workspaceId: string, userId: string): Promise<void> {
    await manager.query(`delete from read_states where workspace_id = $1 and user_id = $2`, [workspaceId, userId]);
    await manager.query(`delete from workspace_unread where workspace_id = $1 and user_id = $2`, [workspaceId, userId]);
  }

  /** A new thread starts read for every current member. */
  async addThread(manager: TenantManager, input: { accountId: string; workspaceId: string; threadId: string }): Promise<void> {
    await manager.query(
      `insert into read_states (thread_id, user_id, account_id, workspace_id)
       select $2::uuid, user_id, account_id, workspace_id from thread_members where workspace_id = $1 and removed_at is null
       on conflict do nothing`,
      [input.workspaceId, input.threadId],
    );
  }

  /**
   * `delta` (+1 on post, −1 on delete) for every current member who may see the message, is
   * not its author and — for a delete — had not read past it yet; the workspace totals follow.
   */
  async adjustForMessage(
    manager: TenantManager,
    input: { workspaceId: string; threadId: string; authorId: string; seq: number; internal: boolean; delta: 1 | -1 },
  ): Promise<void> {
    await manager.query(
      `with changed as (
         update read_states rs set unread = rs.unread + $6, updated_at = now()
           from thread_members m
          where rs.thread_id = $2 and rs.workspace_id = $1
            and m.workspace_id = rs.workspace_id and m.user_id = rs.user_id and m.removed_at is null
            and rs.user_id <> $3 and rs.last_read_seq < $4
            and (not $5 or m.side = 'freelancer')
            and ($6 > 0 or rs.unread > 0)
          returning rs.user_id)
       update workspace_unread wu set unread = greatest(wu.unread + $6, 0)
         from changed where wu.workspace_id = $1 and wu.user_id = changed.user_id`,
      [input.workspaceId, input.threadId, input.authorId, input.seq, input.internal, input.delta],
    );
  }

  /** Moves the cursor (call with the row locked) and moves the workspace total by the difference. */
  async moveCursor(
    manager: TenantManager,
    input: { workspaceId: string; threadId: string; userId: string; seq: number; unread: number; previousUnread: number },
  ): Promise<void> {
    await manager.query(
      `update read_states set last_read_seq = $4, unread = $5, updated_at = now() where thread_id = $2 and user_id = $3 and workspace_id = $1`,
      [input.workspaceId, input.threadId, input.userId, input.seq, input.unread],
    );
    const delta = input.unread - input.previousUnread;
    if (delta !== 0) {
      await manager.query(`update workspace_unread set unread = greatest(unread + $3, 0) where workspace_id = $1 and user_id = $2`, [
        input.workspaceId,
        input.userId,
        delta,
      ]);
    }
  }
}
