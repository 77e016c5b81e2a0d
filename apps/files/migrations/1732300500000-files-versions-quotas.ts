import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

export class FilesVersionsQuotas1732300500000 implements MigrationInterface {
  name = 'FilesVersionsQuotas1732300500000';

  async up(q: QueryRunner): Promise<void> {
    // Local projection of each account's plan (workspace.account.created, then
    // billing.account.plan_changed). No row → free plan.
    await q.query(`
      create table account_plans (
        account_id uuid primary key,
        plan text not null check (plan in ('free', 'pro', 'enterprise')),
        plan_version bigint not null default 0,
        updated_at timestamptz not null default now()
      )`);
    await enableTenantRls(q, 'account_plans', { accountColumn: 'account_id' });

    // Bytes stored (ready versions, deleted-but-restorable included) and reserved by
    // pending uploads. Every upload reserves here, under this row's lock, so concurrent
    // uploads cannot together exceed the quota.
    await q.query(`
      create table storage_usage (
        account_id uuid primary key,
        used_bytes bigint not null default 0 check (used_bytes >= 0),
        reserved_bytes bigint not null default 0 check (reserved_bytes >= 0),
        updated_at timestamptz not null default now()
      )`);
    await enableTenantRls(q, 'storage_usage', { accountColumn: 'account_id' });

    await q.query(`
      create table files (
        id uuid primary key,
        account_id uuid not null,
        workspace_id uuid not null,
        name text not null check (length(name) between 1 and 255),
        created_by uuid not null,
        created_at timestamptz not null,
        -- bumped by every change that publishes an event (the events' aggregateVersion)
        revision int not null default 0,
        next_version_number int not null default 1,
        deleted_at timestamptz,
        deleted_by uuid,
        purge_after timestamptz,
        check ((deleted_at is null) = (purge_after is null))
      )`);
    await q.query(`create index files_workspace_idx on files (workspace_id, created_at desc, id) where deleted_at is null`);
    await q.query(`create index files_purge_idx on files (purge_after) where purge_after is not null`);
    await enableTenantRls(q, 'files', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table file_versions (
        id uuid primary key,
        file_id uuid not null references files (id) on delete cascade,
        account_id uuid not null,
        workspace_id uuid not null,
        number int not null,
        name text not null check (length(name) between 1 and 255),
        size_bytes bigint not null check (size_bytes > 0),
        content_type text not null,
        storage_key text not null unique,
        status text not null check (status in ('pending', 'ready')),
        multipart_upload_id text,
        upload_expires_at timestamptz not null,
        pinned_at timestamptz,
        pinned_by uuid,
        pinned_for text,
        created_by uuid not null,
        created_at timestamptz not null,
        ready_at timestamptz,
        unique (file_id, number),
        check ((status = 'ready') = (ready_at is not null)),
        check (pinned_at is null or status = 'ready')
      )`);
    await q.query(`create index file_versions_pending_idx on file_versions (upload_expires_at) where status = 'pending'`);
    await enableTenantRls(q, 'file_versions', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table file_versions`);
    await q.query(`drop table files`);
    await q.query(`drop table storage_usage`);
    await q.query(`drop table account_plans`);
  }
}
