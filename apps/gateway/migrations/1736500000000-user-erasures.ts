import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeAppendOnly } from '@fpms/database/rls';

/**
 * Issue 18 part 5: personal-data erasure. An erased user keeps their row (ids in other
 * services and the ledger still point at it) with a pseudonymous address and name and no
 * usable password; `user_erasures` is the audit row of what was done and when (global,
 * like users: no RLS; append-only).
 */
export class UserErasures1736500000000 implements MigrationInterface {
  name = 'UserErasures1736500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table users add column erased_at timestamptz`);
    await q.query(`
      create table user_erasures (
        id uuid primary key,
        user_id uuid not null unique references users (id),
        erased_at timestamptz not null,
        request_id text,
        -- What the gateway did (pseudonymised fields, sessions revoked, factors removed) and the event that tells every other service.
        actions jsonb not null
      )`);
    await makeAppendOnly(q, 'user_erasures');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table user_erasures`);
    await q.query(`alter table users drop column erased_at`);
  }
}
