import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export type DataExportStatus = 'pending' | 'ready' | 'failed';

export interface DataExportRow {
  id: string;
  userId: string;
  accountId: string | null;
  status: DataExportStatus;
  requestedAt: Date;
  requestId: string | null;
  attempts: number;
  lastError: string | null;
  readyAt: Date | null;
  expiresAt: Date | null;
  sizeBytes: number | null;
  files: number | null;
  sha256: string | null;
}

/** The gateway's SQL of personal-data export (issue 18 part 4): export jobs and the gateway's own section. */
@Injectable()
export class DataExportsRepository {
  /** Inserts a pending export unless the user already has one; answers the user's pending export either way. */
  async requestOnce(
    manager: EntityManager,
    e: { id: string; userId: string; accountId: string | null; requestId: string; now: Date },
  ): Promise<DataExportRow> {
    await manager.query(
      `insert into data_exports (id, user_id, owned_account_id, status, requested_at, request_id, next_attempt_at)
       values ($1, $2, $3, 'pending', $4, $5, $4)
       on conflict (user_id) where status = 'pending' do nothing`,
      [e.id, e.userId, e.accountId, e.now, e.requestId],
    );
    const [row] = await manager.query(`select * from data_exports where user_id = $1 and status = 'pending'`, [e.userId]);
    return toRow(row);
  }

  async find(manager: EntityManager, userId: string, id: string): Promise<DataExportRow | null> {
    const [row] = await manager.query(`select * from data_exports where id = $1 and user_id = $2`, [id, userId]);
    return row ? toRow(row) : null;
  }

  async listOf(manager: EntityManager, userId: string, limit: number): Promise<DataExportRow[]> {
    const rows: unknown[] = await manager.query(
      `select * from data_exports where user_id = $1 order by requested_at desc, id desc limit $2`,
      [userId, limit],
    );
    return rows.map(toRow);
  }

  /** Due pending exports, leased to this replica (another one skips them until the lease ends). */
  async claimDue(manager: EntityManager, now: Date, leaseMs: number, limit: number): Promise<DataExportRow[]> {
    const rows: unknown[] = await manager.query(
      `update data_exports set lease_until = $2, attempts = attempts + 1
        where id in (select id from data_exports
                      where status = 'pending' and next_attempt_at <= $1 and (lease_until is null or lease_until <= $1)
                      order by next_attempt_at limit $3
                      for update skip locked)
        returning *`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return (Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows).map(toRow);
  }

  async markReady(
    manager: EntityManager,
    id: string,
    archive: { readyAt: Date; expiresAt: Date; sizeBytes: number; files: number; sha256: string },
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `update data_exports set status = 'ready', ready_at = $2, expires_at = $3, size_bytes = $4, files = $5, sha256 = $6,
              lease_until = null, last_error = null
        where id = $1 and status = 'pending' returning id`,
      [id, archive.readyAt, archive.expiresAt, archive.sizeBytes, archive.files, archive.sha256],
    );
    return (Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows).length === 1;
  }

  /** A failed attempt: retried at `retryAt`, or given up (`retryAt` null). */
  async markAttemptFailed(manager: EntityManager, id: string, error: string, retryAt: Date | null): Promise<void> {
    await manager.query(
      `update data_exports set last_error = $2, lease_until = null,
              status = case when $3::timestamptz is null then 'failed' else status end,
              next_attempt_at = coalesce($3::timestamptz, next_attempt_at)
        where id = $1 and status = 'pending'`,
      [id, error.slice(0, 1000), retryAt],
    );
  }

  /** What the gateway holds about the user: profile, sessions and second-factor settings (never secrets or hashes). */
  async gatewaySections(manager: EntityManager, userId: string): Promise<Record<string, unknown>> {
    const [profile] = await manager.query(
      `select id, email, display_name as "displayName", created_at as "createdAt", email_verified_at as "emailVerifiedAt",
              password_changed_at as "passwordChangedAt"
         from users where id = $1`,
      [userId],
    );
    const sessions = await manager.query(
      `select family_id as "sessionId", min(session_started_at) as "startedAt", max(created_at) as "lastUsedAt",
              min(session_expires_at) as "expiresAt", (array_agg(created_ip order by created_at desc))[1] as "lastIp",
              (array_agg(user_agent order by created_at desc))[1] as "device", bool_and(revoked_at is not null) as "revoked"
         from refresh_tokens where user_id = $1 group by family_id order by min(session_started_at)`,
      [userId],
    );
    const [totp] = await manager.query(`select enabled_at as "enabledAt" from user_totp where user_id = $1`, [userId]);
    const exports = await manager.query(
      `select id, status, requested_at as "requestedAt", ready_at as "readyAt", expires_at as "expiresAt"
         from data_exports where user_id = $1 order by requested_at`,
      [userId],
    );
    return {
      'gateway/profile.json': profile ?? null,
      'gateway/sessions.json': sessions,
      'gateway/security.json': { twoFactorEnabledAt: totp?.enabledAt ?? null },
      'gateway/exports.json': exports,
    };
  }
}

function toRow(row: unknown): DataExportRow {
  const r = row as Record<string, unknown>;
  return {
    id: r.id as string,
    userId: r.user_id as string,
    accountId: (r.owned_account_id as string | null) ?? null,
    status: r.status as DataExportStatus,
    requestedAt: r.requested_at as Date,
    requestId: (r.request_id as string | null) ?? null,
    attempts: Number(r.attempts),
    lastError: (r.last_error as string | null) ?? null,
    readyAt: (r.ready_at as Date | null) ?? null,
    expiresAt: (r.expires_at as Date | null) ?? null,
    sizeBytes: r.size_bytes == null ? null : Number(r.size_bytes),
    files: r.files == null ? null : Number(r.files),
    sha256: (r.sha256 as string | null) ?? null,
  };
}
