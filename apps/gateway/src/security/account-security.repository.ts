import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { writeQuery } from '@fpms/database';

type Row = Record<string, unknown>;

export type EmailTokenPurpose = 'verify_email' | 'password_reset';

export interface EmailTokenRow {
  id: string;
  userId: string;
  purpose: EmailTokenPurpose;
  email: string;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface TotpRow {
  userId: string;
  secretEncrypted: string;
  enabledAt: Date | null;
  lastUsedStep: number | null;
}

export interface LoginChallengeRow {
  id: string;
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
  failedAttempts: number;
}

/**
 * SQL of account security: users' verification state, email tokens, TOTP, recovery codes
 * and login challenges. Global rows of a user (no tenant, no RLS): any manager. Times come
 * from the caller (the injected Clock), so tests move time instead of editing rows.
 */
@Injectable()
export class AccountSecurityRepository {
  // ---- users ---------------------------------------------------------------------------

  async markEmailVerified(manager: EntityManager, userId: string, email: string, at: Date): Promise<boolean> {
    const { affected } = await writeQuery(
      manager,
      `update users set email_verified_at = $3 where id = $1 and email = $2 and email_verified_at is null`,
      [userId, email, at],
    );
    return affected > 0;
  }

  /** A new address, unverified until its link is used. */
  async changeEmail(manager: EntityManager, userId: string, email: string): Promise<void> {
    await manager.query(`update users set email = $2, email_verified_at = null where id = $1`, [userId, email]);
  }

  async setPassword(manager: EntityManager, userId: string, passwordHash: string, at: Date): Promise<void> {
    await manager.query(`update users set password_hash = $2, password_changed_at = $3 where id = $1`, [userId, passwordHash, at]);
  }

  /** Locks the user's row: concurrent security changes of one user run one after the other. */
  async lockUser(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`select 1 from users where id = $1 for update`, [userId]);
  }

  /** What the money gates need, in one read. */
  async standing(manager: EntityManager, userId: string): Promise<{ emailVerified: boolean; twoFactorEnabled: boolean } | null> {
    const rows: Row[] = await manager.query(
      `select u.email_verified_at is not null as verified, t.enabled_at is not null as two_factor
         from users u left join user_totp t on t.user_id = u.id
        where u.id = $1`,
      [userId],
    );
    return rows[0] ? { emailVerified: rows[0].verified === true, twoFactorEnabled: rows[0].two_factor === true } : null;
  }

  // ---- email tokens --------------------------------------------------------------------

  async insertEmailToken(
    manager: EntityManager,
    token: { id: string; userId: string; purpose: EmailTokenPurpose; email: string; hash: Buffer; createdAt: Date; expiresAt: Date },
  ): Promise<void> {
    await manager.query(
      `insert into user_email_tokens (id, user_id, purpose, email, token_hash, created_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7)`,
      [token.id, token.userId, token.purpose, token.email, token.hash, token.createdAt, token.expiresAt],
    );
  }

  /** Only the newest link of a purpose works: a new one ends the earlier ones. */
  async endEmailTokens(manager: EntityManager, userId: string, purpose: EmailTokenPurpose, at: Date): Promise<void> {
    await manager.query(`update user_email_tokens set used_at = $3 where user_id = $1 and purpose = $2 and used_at is null`, [
      userId,
      purpose,
      at,
    ]);
  }

  /** The token by its id and secret's hash, locked; null when either does not match. */
  async findEmailTokenForUpdate(
    manager: EntityManager,
    id: string,
    hash: Buffer,
    purpose: EmailTokenPurpose,
  ): Promise<EmailTokenRow | null> {
    const rows: Row[] = await manager.query(
      `select id, user_id, purpose, email, expires_at, used_at from user_email_tokens
        where id = $1 and token_hash = $2 and purpose = $3 for update`,
      [id, hash, purpose],
    );
    const r = rows[0];
    return r
      ? {
          id: r.id as string,
          userId: r.user_id as string,
          purpose: r.purpose as EmailTokenPurpose,
          email: r.email as string,
          expiresAt: r.expires_at as Date,
          usedAt: (r.used_at as Date | null) ?? null,
        }
      : null;
  }

  async useEmailToken(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.query(`update user_email_tokens set used_at = $2 where id = $1`, [id, at]);
  }

  /** Deletes tokens that ended (used or expired) before `before`; returns how many. */
  async purgeEndedEmailTokens(manager: EntityManager, before: Date): Promise<number> {
    const { affected } = await writeQuery(manager, `delete from user_email_tokens where least(used_at, expires_at) < $1`, [before]);
    return affected;
  }

  // ---- TOTP ----------------------------------------------------------------------------

  async findTotp(manager: EntityManager, userId: string, lock = false): Promise<TotpRow | null> {
    const rows: Row[] = await manager.query(
      `select user_id, secret_encrypted, enabled_at, last_used_step from user_totp where user_id = $1${lock ? ' for update' : ''}`,
      [userId],
    );
    const r = rows[0];
    return r
      ? {
          userId: r.user_id as string,
          secretEncrypted: r.secret_encrypted as string,
          enabledAt: (r.enabled_at as Date | null) ?? null,
          lastUsedStep: r.last_used_step === null || r.last_used_step === undefined ? null : Number(r.last_used_step),
        }
      : null;
  }

  /** Starts (or restarts) an enrolment: a new secret, not enabled yet. */
  async startTotp(manager: EntityManager, userId: string, secretEncrypted: string, at: Date): Promise<void> {
    await manager.query(
      `insert into user_totp (user_id, secret_encrypted, created_at) values ($1, $2, $3)
       on conflict (user_id) do update set secret_encrypted = excluded.secret_encrypted, created_at = excluded.created_at,
                                           enabled_at = null, last_used_step = null`,
      [userId, secretEncrypted, at],
    );
  }

  async enableTotp(manager: EntityManager, userId: string, step: number, at: Date): Promise<void> {
    await manager.query(`update user_totp set enabled_at = $3, last_used_step = $2 where user_id = $1`, [userId, step, at]);
  }

  async useTotpStep(manager: EntityManager, userId: string, step: number): Promise<void> {
    await manager.query(`update user_totp set last_used_step = $2 where user_id = $1`, [userId, step]);
  }

  async deleteTotp(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`delete from user_totp where user_id = $1`, [userId]);
    await manager.query(`delete from user_recovery_codes where user_id = $1`, [userId]);
  }

  async replaceRecoveryCodes(manager: EntityManager, userId: string, codes: Array<{ id: string; hash: Buffer }>, at: Date): Promise<void> {
    await manager.query(`delete from user_recovery_codes where user_id = $1`, [userId]);
    for (const code of codes) {
      await manager.query(`insert into user_recovery_codes (id, user_id, code_hash, created_at) values ($1, $2, $3, $4)`, [
        code.id,
        userId,
        code.hash,
        at,
      ]);
    }
  }

  /** Spends an unused recovery code; false if none matches. */
  async useRecoveryCode(manager: EntityManager, userId: string, hash: Buffer, at: Date): Promise<boolean> {
    const { affected } = await writeQuery(
      manager,
      `update user_recovery_codes set used_at = $3 where user_id = $1 and code_hash = $2 and used_at is null`,
      [userId, hash, at],
    );
    return affected > 0;
  }

  async countUnusedRecoveryCodes(manager: EntityManager, userId: string): Promise<number> {
    const [row]: Row[] = await manager.query(`select count(*)::int as n from user_recovery_codes where user_id = $1 and used_at is null`, [
      userId,
    ]);
    return Number(row.n);
  }

  // ---- login challenges ----------------------------------------------------------------

  async insertChallenge(
    manager: EntityManager,
    c: { id: string; userId: string; hash: Buffer; createdAt: Date; expiresAt: Date },
  ): Promise<void> {
    await manager.query(`insert into login_challenges (id, user_id, token_hash, created_at, expires_at) values ($1, $2, $3, $4, $5)`, [
      c.id,
      c.userId,
      c.hash,
      c.createdAt,
      c.expiresAt,
    ]);
  }

  async findChallengeForUpdate(manager: EntityManager, id: string, hash: Buffer): Promise<LoginChallengeRow | null> {
    const rows: Row[] = await manager.query(
      `select id, user_id, expires_at, used_at, failed_attempts from login_challenges where id = $1 and token_hash = $2 for update`,
      [id, hash],
    );
    const r = rows[0];
    return r
      ? {
          id: r.id as string,
          userId: r.user_id as string,
          expiresAt: r.expires_at as Date,
          usedAt: (r.used_at as Date | null) ?? null,
          failedAttempts: Number(r.failed_attempts),
        }
      : null;
  }

  async useChallenge(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.query(`update login_challenges set used_at = $2 where id = $1`, [id, at]);
  }

  async failChallenge(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`update login_challenges set failed_attempts = failed_attempts + 1 where id = $1`, [id]);
  }

  async purgeEndedChallenges(manager: EntityManager, before: Date): Promise<number> {
    const { affected } = await writeQuery(manager, `delete from login_challenges where expires_at < $1`, [before]);
    return affected;
  }
}
