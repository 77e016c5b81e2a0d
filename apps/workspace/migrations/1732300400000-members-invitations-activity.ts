import { MigrationInterface, QueryRunner } from 'typeorm';
import { CURRENT_USER_ID, enableTenantRls, makeAppendOnly } from '@fpms/database/rls';

const ROLES = `('owner', 'collaborator', 'client_admin', 'client_viewer')`;

export class MembersInvitationsActivity1732300400000 implements MigrationInterface {
  name = 'MembersInvitationsActivity1732300400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table workspace_members (
        workspace_id uuid not null references workspaces (id),
        account_id uuid not null references accounts (id),
        user_id uuid not null,
        role text not null check (role in ${ROLES}),
        email text not null,
        created_at timestamptz not null default now(),
        primary key (workspace_id, user_id)
      )`);
    await q.query(`create index workspace_members_user_idx on workspace_members (user_id)`);
    // One owner per workspace: the account's freelancer.
    await q.query(`create unique index workspace_members_one_owner on workspace_members (workspace_id) where role = 'owner'`);
    // A user reads their own memberships across tenants (to list "my workspaces" and to
    // find the tenant of a workspace they act in); writes stay tenant-scoped.
    await enableTenantRls(q, 'workspace_members', {
      accountColumn: 'account_id',
      workspaceColumn: 'workspace_id',
      alsoReadableWhen: `user_id = ${CURRENT_USER_ID}`,
    });
    // Members of a workspace read it, whatever account they belong to.
    await q.query(`
      create policy member_read on workspaces for select using (
        exists (select 1 from workspace_members m where m.workspace_id = workspaces.id and m.user_id = ${CURRENT_USER_ID})
      )`);

    await q.query(`
      create table workspace_invitations (
        id uuid primary key,
        workspace_id uuid not null references workspaces (id),
        account_id uuid not null references accounts (id),
        token_hash bytea not null unique,
        role text not null check (role in ${ROLES} and role <> 'owner'),
        email text check (email is null or email = lower(email)),
        max_uses int not null check (max_uses between 1 and 1000),
        uses int not null default 0 check (uses between 0 and max_uses),
        expires_at timestamptz not null,
        revoked_at timestamptz,
        created_by uuid not null,
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index workspace_invitations_workspace_idx on workspace_invitations (workspace_id, created_at desc)`);
    await enableTenantRls(q, 'workspace_invitations', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    // Who changed what: memberships, roles, invitations, accounts, workspaces. Append-only.
    await q.query(`
      create table activity_log (
        id bigint generated always as identity primary key,
        account_id uuid not null,
        workspace_id uuid,
        actor_user_id uuid not null,
        action text not null,
        target_type text not null,
        target_id text not null,
        before jsonb,
        after jsonb,
        request_id text,
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index activity_log_workspace_idx on activity_log (workspace_id, id desc)`);
    await q.query(`create index activity_log_account_idx on activity_log (account_id, id desc)`);
    await enableTenantRls(q, 'activity_log', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
    await makeAppendOnly(q, 'activity_log');

    // Platform-admin cross-tenant reads, written before the data is returned. Platform
    // data, not tenant data: only the system role may touch it.
    await q.query(`
      create table admin_access_audit (
        id bigint generated always as identity primary key,
        admin_user_id uuid not null,
        reason text not null check (length(reason) between 10 and 500),
        action text not null,
        target_account_id uuid,
        resource_ids jsonb not null,
        request_id text,
        created_at timestamptz not null default now()
      )`);
    await makeAppendOnly(q, 'admin_access_audit');
    await q.query(`
      do $$
      declare base text := regexp_replace(current_user, '_owner$', '');
      begin
        execute format('revoke all on admin_access_audit from %I', base || '_app');
      end $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table admin_access_audit`);
    await q.query(`drop table activity_log`);
    await q.query(`drop table workspace_invitations`);
    await q.query(`drop policy member_read on workspaces`);
    await q.query(`drop table workspace_members`);
    await q.query(`drop function if exists forbid_modification()`);
  }
}
