import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { writeQuery } from '@fpms/database';
import { RefreshTokenEntity, RevokedReason } from './entities/refresh-token.entity';

/** Keeps session locks apart from any other advisory lock (two-int form, own key space). */
const SESSION_LOCK_NAMESPACE = 0x5e55;
/** Key (in the session namespace) of the purge: one replica purges at a time. */
const PURGE_LOCK_KEY = 0;

export interface RefreshTokenInsert {
  id: string;
  familyId: string;
  userId: string;
  tokenHash: Buffer;
  ttlSeconds: number;
  /** When the session began (login) and when it ends whatever the refreshes (absolute lifetime). */
  sessionStartedAt: Date;
  sessionExpiresAt: Date;
  createdIp?: string;
  userAgent?: string;
}

type Row = Record<string, unknown>;

const toEntity = (row: Row): RefreshTokenEntity =>
  Object.assign(new RefreshTokenEntity(), {
    id: row.id,
    familyId: row.family_id,
    userId: row.user_id,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
    replacedBy: row.replaced_by,
    createdIp: row.created_ip,
    userAgent: row.user_agent,
    sessionStartedAt: row.session_started_at,
    sessionExpiresAt: row.session_expires_at,
  });

/** One live session of a user, as /me/sessions lists it. */
export interface SessionRow {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/**
 * SQL for refresh tokens. Times come from the database clock (`now()`), so replicas with
 * skewed clocks agree on expiry.
 */
@Injectable()
export class RefreshTokensRepository {
  async insert(manager: EntityManager, token: RefreshTokenInsert): Promise<void> {
    await manager.query(
      `insert into refresh_tokens (id, family_id, user_id, token_hash, expires_at, created_ip, user_agent, session_started_at, session_expires_at)
       values ($1, $2, $3, $4, now() + make_interval(secs => $5), $6, $7, $8, $9)`,
      [
        token.id,
        token.familyId,
        token.userId,
        token.tokenHash,
        token.ttlSeconds,
        token.createdIp ?? null,
        token.userAgent ?? null,
        token.sessionStartedAt,
        token.sessionExpiresAt,
      ],
    );
  }

  /** The family a token belongs to, read without locking (to know which family lock to take). */
  async familyOf(manager: EntityManager, id: string): Promise<string | null> {
    const rows: Row[] = await manager.query(`select family_id from refresh_tokens where id = $1`, [id]);
    return (rows[0]?.family_id as string | undefined) ?? null;
  }

  /**
   * Serialises every change to one family for the rest of the transaction. Row locks
   * alone are not enough: a revocation running next to a rotation would not see the
   * successor the rotation has inserted but not yet committed, and would leave it alive.
   * Callers take this lock first and row locks after it, always in that order (no deadlock).
   */
  async lockFamily(manager: EntityManager, familyId: string): Promise<void> {
    await manager.query(`select pg_advisory_xact_lock($1, hashtext($2))`, [SESSION_LOCK_NAMESPACE, familyId]);
  }

  /** The token with its row locked, and whether it has expired by the database's clock. */
  async findForUpdate(manager: EntityManager, id: string): Promise<(RefreshTokenEntity & { expired: boolean }) | null> {
    const rows: Row[] = await manager.query(`select *, expires_at <= now() as expired from refresh_tokens where id = $1 for update`, [id]);
    return rows[0] ? Object.assign(toEntity(rows[0]), { expired: rows[0].expired === true }) : null;
  }

  async markUsed(manager: EntityManager, id: string, replacedBy: string): Promise<void> {
    await manager.query(`update refresh_tokens set used_at = now(), replaced_by = $2 where id = $1`, [id, replacedBy]);
  }

  /** Revokes every token of the family that is not revoked yet; returns how many. */
  async revokeFamily(manager: EntityManager, familyId: string, reason: RevokedReason): Promise<number> {
    const { affected } = await writeQuery(
      manager,
      `update refresh_tokens set revoked_at = now(), revoked_reason = $2 where family_id = $1 and revoked_at is null`,
      [familyId, reason],
    );
    return affected;
  }

  /**
   * The user's live sessions: per family, its current token (neither rotated nor revoked
   * nor expired, by `now` for the absolute end and the database clock for the idle one).
   * The current token was issued at the last refresh: its time, IP and device are the
   * session's last use.
   */
  async listLive(manager: EntityManager, userId: string, now: Date): Promise<SessionRow[]> {
    const rows: Row[] = await manager.query(
      `select family_id, session_started_at, created_at, session_expires_at, created_ip, user_agent from refresh_tokens
        where user_id = $1 and used_at is null and revoked_at is null and expires_at > now() and session_expires_at > $2
        order by created_at desc`,
      [userId, now],
    );
    return rows.map((r) => ({
      id: r.family_id as string,
      createdAt: r.session_started_at as Date,
      lastUsedAt: r.created_at as Date,
      expiresAt: r.session_expires_at as Date,
      ip: (r.created_ip as string | null) ?? null,
      userAgent: (r.user_agent as string | null) ?? null,
    }));
  }

  /** Whether this user has signed in from this device (user agent) before. */
  async knowsDevice(manager: EntityManager, userId: string, userAgent: string | undefined): Promise<boolean> {
    const rows: Row[] = await manager.query(
      `select 1 from refresh_tokens where user_id = $1 and user_agent is not distinct from $2 limit 1`,
      [userId, userAgent ?? null],
    );
    return rows.length > 0;
  }

  /** The families of the user's tokens not revoked yet (to lock before revoking them). */
  async liveFamiliesOf(manager: EntityManager, userId: string): Promise<string[]> {
    const rows: Row[] = await manager.query(
      `select distinct family_id from refresh_tokens where user_id = $1 and revoked_at is null order by family_id`,
      [userId],
    );
    return rows.map((r) => r.family_id as string);
  }

  /** Whether the family belongs to the user (another user's session id is answered like an unknown one). */
  async familyBelongsTo(manager: EntityManager, familyId: string, userId: string): Promise<boolean> {
    const rows: Row[] = await manager.query(`select 1 from refresh_tokens where family_id = $1 and user_id = $2 limit 1`, [
      familyId,
      userId,
    ]);
    return rows.length > 0;
  }

  /**
   * Deletes up to `limit` ended families: every token expired or revoked, the last of
   * them before `before`. A family with any live token keeps all its rows, spent ones
   * included: a spent token presented again is how reuse is detected, and it must still
   * revoke the live one. Returns the rows deleted, or null if another replica is purging
   * (transaction-level advisory lock, so it never outlives the statement's transaction).
   */
  async purgeEndedFamilies(manager: EntityManager, before: Date, limit: number): Promise<number | null> {
    const [{ locked }]: Row[] = await manager.query(`select pg_try_advisory_xact_lock($1, $2) as locked`, [
      SESSION_LOCK_NAMESPACE,
      PURGE_LOCK_KEY,
    ]);
    if (!locked) return null;
    // least() ignores nulls: a token ends when it is revoked, when it expires or when its
    // session reaches its absolute end, whichever is first.
    const { affected } = await writeQuery(
      manager,
      `delete from refresh_tokens where family_id in (
         select family_id from refresh_tokens
          group by family_id
         having max(least(revoked_at, expires_at, session_expires_at)) < $1
          limit $2)`,
      [before, limit],
    );
    return affected;
  }
}
