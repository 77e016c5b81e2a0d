import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * The file name of every file version billing heard of (files.version.ready), per account and
 * version id: a chargeback's evidence names the delivered file, and billing reads nothing from
 * the files service to say so.
 */
export class DeliverableFileNames1735500000000 implements MigrationInterface {
  name = 'DeliverableFileNames1735500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table file_version_names (
        account_id uuid not null,
        version_id uuid not null,
        workspace_id uuid not null,
        file_id uuid not null,
        name text not null,
        event_id uuid not null,
        recorded_at timestamptz not null default now(),
        primary key (account_id, version_id)
      )`);
    await enableTenantRls(q, 'file_version_names', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table file_version_names`);
  }
}
