import { Injectable } from '@nestjs/common';
import { ActivityView } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';

export interface ActivityEntry {
  accountId: string;
  workspaceId: string | null;
  /** Null when the system acted (a billing event, the review timer). */
  actorUserId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
  requestId?: string;
}

interface ActivityRow {
  id: string;
  workspace_id: string | null;
  actor_user_id: string | null;
  action: string;
  target_type: string;
  target_id: string;
  before: unknown;
  after: unknown;
  request_id: string | null;
  created_at: Date;
}

/**
 * The append-only activity log. Written in the same transaction as the change it
 * describes, so a change without its record (or the reverse) cannot commit.
 */
@Injectable()
export class ActivityLogRepository {
  async record(manager: TenantManager, entry: ActivityEntry): Promise<void> {
    await manager.query(
      `insert into activity_log (account_id, workspace_id, actor_user_id, action, target_type, target_id, before, after, request_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        entry.accountId,
        entry.workspaceId,
        entry.actorUserId,
        entry.action,
        entry.targetType,
        entry.targetId,
        entry.before === undefined ? null : JSON.stringify(entry.before),
        entry.after === undefined ? null : JSON.stringify(entry.after),
        entry.requestId ?? null,
      ],
    );
  }

  /** Newest first; `before` is the id cursor from the previous page. */
  async listForWorkspace(
    manager: TenantManager,
    workspaceId: string,
    limit: number,
    before?: string,
  ): Promise<{ items: ActivityView[]; nextBefore: string | null }> {
    const rows: ActivityRow[] = await manager.query(
      `select id::text, workspace_id, actor_user_id, action, target_type, target_id, before, after, request_id, created_at
         from activity_log
        where workspace_id = $1 and ($2::bigint is null or id < $2::bigint)
        order by activity_log.id desc -- the table's bigint, not the text alias
        limit $3`,
      [workspaceId, before ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({
        id: r.id,
        workspaceId: r.workspace_id,
        actorUserId: r.actor_user_id,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        before: r.before,
        after: r.after,
        requestId: r.request_id,
        createdAt: new Date(r.created_at).toISOString(),
      })),
      nextBefore: rows.length > limit ? page[page.length - 1].id : null,
    };
  }
}
