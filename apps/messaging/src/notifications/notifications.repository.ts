import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotificationSubject, NotificationView } from '@fpms/contracts';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';
import { writeQuery } from '@fpms/database/write-query';

export interface NewNotification {
  accountId: string;
  workspaceId: string | null;
  userId: string;
  type: string;
  subject: NotificationSubject;
  headline: string;
  actorUserId: string | null;
  sourceEventId: string;
  dedupeKey: string;
  digestPending: boolean;
  createdAt: Date;
}

interface Row {
  id: string;
  type: string;
  workspace_id: string | null;
  subject_kind: string;
  subject_id: string;
  headline: string;
  actor_user_id: string | null;
  read_at: Date | null;
  created_at: Date;
}

const COLUMNS = `id::text, type, workspace_id, subject_kind, subject_id, headline, actor_user_id, read_at, created_at`;

export const toView = (r: Row): NotificationView => ({
  id: r.id,
  type: r.type,
  workspaceId: r.workspace_id,
  subject: { kind: r.subject_kind, id: r.subject_id },
  headline: r.headline,
  actorUserId: r.actor_user_id,
  readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
  createdAt: new Date(r.created_at).toISOString(),
});

/**
 * In-app notifications. The consumer writes them in the event's tenant; their recipient
 * reads and marks them in a user-scoped transaction (RLS policy `recipient_own`), and
 * every query also names the user, so a foreign id is simply not found.
 */
@Injectable()
export class NotificationsRepository {
  /** Null when this (user, type, dedupe key) was already notified. */
  async insert(manager: TenantManager, n: NewNotification): Promise<NotificationView | null> {
    const rows: Row[] = await manager.query(
      `insert into notifications (account_id, workspace_id, user_id, type, subject_kind, subject_id, headline, actor_user_id,
                                  source_event_id, dedupe_key, digest_pending, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       on conflict (user_id, type, dedupe_key) do nothing
       returning ${COLUMNS}`,
      [
        n.accountId,
        n.workspaceId,
        n.userId,
        n.type,
        n.subject.kind,
        n.subject.id,
        n.headline,
        n.actorUserId,
        n.sourceEventId,
        n.dedupeKey,
        n.digestPending,
        n.createdAt,
      ],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  async listForUser(manager: TenantManager, userId: string, limit: number, before?: string, unreadOnly = false) {
    const rows: Row[] = await manager.query(
      `select ${COLUMNS} from notifications
        where user_id = $1 and ($2::bigint is null or id < $2::bigint) and (not $3 or read_at is null)
        order by notifications.id desc limit $4`,
      [userId, before ?? null, unreadOnly, limit + 1],
    );
    const page = rows.slice(0, limit);
    return { items: page.map(toView), nextBefore: rows.length > limit ? page[page.length - 1].id : null };
  }

  async unreadCount(manager: TenantManager, userId: string): Promise<number> {
    const [row] = await manager.query(`select count(*)::int as n from notifications where user_id = $1 and read_at is null`, [userId]);
    return row.n;
  }

  async markRead(manager: TenantManager, userId: string, id: string, now: Date): Promise<NotificationView | null> {
    const { rows } = await writeQuery<Row>(
      manager,
      `update notifications set read_at = coalesce(read_at, $3) where user_id = $1 and id = $2::bigint returning ${COLUMNS}`,
      [userId, id, now],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  async markAllRead(manager: TenantManager, userId: string, now: Date): Promise<number> {
    const { affected } = await writeQuery(manager, `update notifications set read_at = $2 where user_id = $1 and read_at is null`, [
      userId,
      now,
    ]);
    return affected;
  }

  /** The digest's items: everything waiting for this user's digest up to `until` (cross-tenant, system pool). */
  async takeDigestItems(manager: SystemManager | EntityManager, userId: string, until: Date): Promise<NotificationView[]> {
    const { rows } = await writeQuery<Row>(
      manager,
      `update notifications set digest_pending = false
        where user_id = $1 and digest_pending and created_at <= $2
        returning ${COLUMNS}`,
      [userId, until],
    );
    return rows.map(toView).sort((a, b) => Number(a.id) - Number(b.id));
  }
}
