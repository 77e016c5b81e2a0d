import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * Documents billing issues (invoice and credit note PDFs), stored as files of their workspace.
 * `stored_documents` maps billing's document id to the file and version made for it (a
 * redelivered `billing.document.rendered` stores nothing twice). Their versions carry a pin of
 * kind `document`, which no member can remove: an issued invoice is never deleted.
 */
export class BillingDocuments1736000000001 implements MigrationInterface {
  name = 'BillingDocuments1736000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table file_version_pins drop constraint file_version_pins_kind_check`);
    await q.query(
      `alter table file_version_pins add constraint file_version_pins_kind_check check (kind in ('manual', 'submission', 'document'))`,
    );
    await q.query(`create unique index file_version_pins_document_uq on file_version_pins (version_id) where kind = 'document'`);
    await q.query(`
      create table stored_documents (
        document_id uuid primary key,
        account_id uuid not null,
        workspace_id uuid not null,
        file_id uuid not null references files (id),
        version_id uuid not null references file_versions (id),
        stored_at timestamptz not null default now()
      )`);
    await enableTenantRls(q, 'stored_documents', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table stored_documents`);
    await q.query(`drop index file_version_pins_document_uq`);
    await q.query(`delete from file_version_pins where kind = 'document'`);
    await q.query(`alter table file_version_pins drop constraint file_version_pins_kind_check`);
    await q.query(`alter table file_version_pins add constraint file_version_pins_kind_check check (kind in ('manual', 'submission'))`);
  }
}
