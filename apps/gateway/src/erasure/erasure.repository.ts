import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** The gateway's SQL of personal-data erasure (issue 18 part 5): global rows, by user id. */
@Injectable()
export class ErasureRepository {
  /**
   * The user's row keeps its id (other services and the ledger point at it) with a
   * pseudonymous address and name, no verified address and no usable password
   * (no argon2 hash matches `!`); their second factor, links and challenges go.
   */
  async pseudonymiseUser(manager: EntityManager, userId: string, pseudonym: { email: string; displayName: string }, now: Date) {
    await manager.query(
      `update users set email = $2, display_name = $3, password_hash = '!', email_verified_at = null, erased_at = $4 where id = $1`,
      [userId, pseudonym.email, pseudonym.displayName, now],
    );
    const removed: Record<string, number> = {};
    for (const table of ['user_totp', 'user_recovery_codes', 'user_email_tokens', 'login_challenges']) {
      const [, count] = (await manager.query(`delete from ${table} where user_id = $1`, [userId])) as [unknown, number];
      removed[table] = count;
    }
    return removed;
  }

  async isErased(manager: EntityManager, userId: string): Promise<boolean> {
    const [row] = await manager.query(`select erased_at from users where id = $1`, [userId]);
    return row?.erased_at != null;
  }

  async insertAudit(
    manager: EntityManager,
    row: { id: string; userId: string; erasedAt: Date; requestId: string; actions: Record<string, unknown> },
  ): Promise<void> {
    await manager.query(`insert into user_erasures (id, user_id, erased_at, request_id, actions) values ($1, $2, $3, $4, $5)`, [
      row.id,
      row.userId,
      row.erasedAt,
      row.requestId,
      JSON.stringify(row.actions),
    ]);
  }

  async findAudit(
    manager: EntityManager,
    userId: string,
  ): Promise<{ id: string; erasedAt: Date; actions: Record<string, unknown> } | null> {
    const [row] = await manager.query(`select id, erased_at, actions from user_erasures where user_id = $1`, [userId]);
    return row ? { id: row.id, erasedAt: new Date(row.erased_at), actions: row.actions } : null;
  }
}
