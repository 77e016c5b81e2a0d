import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18 part 4: personal-data exports. Each archive the files service stored for a user
 * (a ZIP in object storage, deleted with its row when `expires_at` passes or the user is
 * erased). A user's archive spans tenants, so the table belongs to no account: only the
 * system connection and the verified caller's own id reach it.
 */
export class PersonalDataArchives1736600000000 implements MigrationInterface {
  name = 'PersonalDataArchives1736600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table personal_data_archives (
        export_id uuid primary key,
        user_id uuid not null,
        storage_key text not null,
        size_bytes bigint not null check (size_bytes >= 0),
        sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
        files integer not null check (files >= 0),
        expires_at timestamptz not null,
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index personal_data_archives_user_idx on personal_data_archives (user_id)`);
    await q.query(`create index personal_data_archives_expiry_idx on personal_data_archives (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table personal_data_archives`);
  }
}
