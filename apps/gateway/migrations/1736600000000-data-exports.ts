import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18 part 4: personal-data export. One row per export a user asked for: a job the
 * gateway's export poller works off (leased, retried with backoff), then the archive the
 * files service stored, offered for download until `expires_at`. At most one export per
 * user is pending at a time. Global, like users: no RLS.
 */
export class DataExports1736600000000 implements MigrationInterface {
  name = 'DataExports1736600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table data_exports (
        id uuid primary key,
        user_id uuid not null references users (id),
        -- The account the user owned when asking (its payouts are theirs), if any. Not a tenant key
        -- (the row is the user's, global like users), hence not named account_id.
        owned_account_id uuid,
        status text not null check (status in ('pending', 'ready', 'failed')),
        requested_at timestamptz not null,
        request_id text,
        attempts integer not null default 0,
        next_attempt_at timestamptz not null,
        lease_until timestamptz,
        last_error text,
        ready_at timestamptz,
        expires_at timestamptz,
        size_bytes bigint,
        files integer,
        sha256 text
      )`);
    await q.query(`create unique index data_exports_one_pending_uq on data_exports (user_id) where status = 'pending'`);
    await q.query(`create index data_exports_user_idx on data_exports (user_id, requested_at desc)`);
    await q.query(`create index data_exports_due_idx on data_exports (next_attempt_at) where status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table data_exports`);
  }
}
