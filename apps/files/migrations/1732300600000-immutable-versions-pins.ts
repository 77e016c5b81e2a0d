import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * Delivered files are immutable, and no pin outlives its reason.
 *
 * - Uploads land on a staging key; each completion attempt copies them to a key of its
 *   own that no upload URL ever names, checks that copy (size, type, SHA-256), and the
 *   attempt that marks the version ready records its key as `storage_key`.
 * - `upload_staging`: every staging key ever handed out, until its upload URLs have
 *   expired; the janitor deletes the object (a late PUT included) and then the row.
 * - Pins: `milestone_deliverables` is the committed state of each milestone as the
 *   workspace service's events report it (the version it needs now); `file_version_pins`
 *   holds manual pins and the provisional pins a submission takes inside its transaction,
 *   resolved by the milestone's next event. `file_versions.pinned_*` becomes a summary
 *   of both, refreshed by the one repository method that changes them.
 */
export class ImmutableVersionsPins1732300600000 implements MigrationInterface {
  name = 'ImmutableVersionsPins1732300600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table file_versions add column staging_key text unique`);
    await q.query(`alter table file_versions add column sha256 text check (sha256 ~ '^[0-9a-f]{64}$')`);
    // Declared by the client at creation; the copy must hash to it.
    await q.query(`alter table file_versions add column expected_sha256 text check (expected_sha256 ~ '^[0-9a-f]{64}$')`);

    await q.query(`
      create table upload_staging (
        staging_key text primary key,
        account_id uuid not null,
        workspace_id uuid not null,
        version_id uuid not null,
        -- no upload URL for this key is valid after this: the object can then go for good
        urls_expire_at timestamptz not null
      )`);
    await q.query(`create index upload_staging_expiry_idx on upload_staging (urls_expire_at)`);
    await enableTenantRls(q, 'upload_staging', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table milestone_deliverables (
        milestone_id uuid primary key,
        account_id uuid not null,
        workspace_id uuid not null,
        version_id uuid,
        milestone_version int not null,
        submitted_by uuid,
        updated_at timestamptz not null default now()
      )`);
    await q.query(`create index milestone_deliverables_version_idx on milestone_deliverables (version_id) where version_id is not null`);
    await enableTenantRls(q, 'milestone_deliverables', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table file_version_pins (
        id uuid primary key,
        account_id uuid not null,
        workspace_id uuid not null,
        version_id uuid not null references file_versions (id) on delete cascade,
        kind text not null check (kind in ('manual', 'submission')),
        pinned_for text,
        milestone_id uuid,
        -- the milestone's version when the submission started; any later state resolves it
        milestone_version int,
        pinned_by uuid not null,
        pinned_at timestamptz not null,
        check ((kind = 'submission') = (milestone_id is not null and milestone_version is not null))
      )`);
    await q.query(`create unique index file_version_pins_manual_uq on file_version_pins (version_id) where kind = 'manual'`);
    await q.query(
      `create unique index file_version_pins_submission_uq on file_version_pins (milestone_id, version_id, milestone_version) where kind = 'submission'`,
    );
    await q.query(`create index file_version_pins_version_idx on file_version_pins (version_id)`);
    await enableTenantRls(q, 'file_version_pins', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    // Existing pins: the workspace's ('milestone:<id>') become that milestone's deliverable at
    // version 0, so its next event decides; the others stay as manual pins.
    await q.query(`
      insert into milestone_deliverables (milestone_id, account_id, workspace_id, version_id, milestone_version, submitted_by, updated_at)
      select distinct on (substr(pinned_for, 11)::uuid) substr(pinned_for, 11)::uuid, account_id, workspace_id, id, 0, pinned_by, pinned_at
        from file_versions
       where pinned_at is not null and pinned_for ~ '^milestone:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
       order by substr(pinned_for, 11)::uuid, pinned_at desc`);
    await q.query(`
      insert into file_version_pins (id, account_id, workspace_id, version_id, kind, pinned_for, pinned_by, pinned_at)
      select gen_random_uuid(), account_id, workspace_id, id, 'manual', pinned_for, pinned_by, pinned_at
        from file_versions v
       where pinned_at is not null and not exists (select 1 from milestone_deliverables d where d.version_id = v.id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table file_version_pins`);
    await q.query(`drop table milestone_deliverables`);
    await q.query(`drop table upload_staging`);
    await q.query(`alter table file_versions drop column expected_sha256, drop column sha256, drop column staging_key`);
  }
}
