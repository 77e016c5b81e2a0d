import { MigrationInterface, QueryRunner } from 'typeorm';
import { CURRENT_USER_ID, enableTenantRls } from '@fpms/database/rls';

/**
 * Threads (one general per workspace, one per milestone), their messages, the members
 * projection the unread counters are kept for, and the read state: a cursor and an unread
 * counter per member and thread, and a total per member and workspace. Counters are kept
 * on write, so every unread read is a primary-key lookup.
 */
export class ThreadsAndMessages1735200000000 implements MigrationInterface {
  name = 'ThreadsAndMessages1735200000000';

  async up(q: QueryRunner): Promise<void> {
    // Projection of workspace.member.* (authorization is asked live from the workspace
    // service; this only says whose counters a new message bumps).
    await q.query(`
      create table thread_members (
        workspace_id uuid not null,
        user_id uuid not null,
        account_id uuid not null,
        role text not null,
        side text not null check (side in ('freelancer', 'client')),
        membership_version bigint not null,
        removed_at timestamptz,
        primary key (workspace_id, user_id)
      )`);
    await enableTenantRls(q, 'thread_members', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table threads (
        id uuid primary key,
        account_id uuid not null,
        workspace_id uuid not null,
        kind text not null check (kind in ('general', 'milestone')),
        milestone_id uuid,
        title text not null,
        -- the newest message's seq: taken under this row's lock, so a thread's messages are strictly ordered
        last_seq bigint not null default 0,
        last_message_at timestamptz,
        last_public_message_at timestamptz,
        created_at timestamptz not null,
        check ((kind = 'milestone') = (milestone_id is not null))
      )`);
    await q.query(`create unique index threads_one_general on threads (workspace_id) where kind = 'general'`);
    await q.query(`create unique index threads_one_per_milestone on threads (milestone_id) where kind = 'milestone'`);
    await q.query(`create index threads_workspace on threads (workspace_id, created_at, id)`);
    await enableTenantRls(q, 'threads', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table messages (
        id uuid primary key,
        thread_id uuid not null references threads (id),
        account_id uuid not null,
        workspace_id uuid not null,
        seq bigint not null,
        author_id uuid not null,
        text text,
        attachments jsonb not null default '[]',
        internal boolean not null default false,
        created_at timestamptz not null,
        edited_at timestamptz,
        deleted_at timestamptz,
        unique (thread_id, seq),
        check ((deleted_at is null) = (text is not null))
      )`);
    await enableTenantRls(q, 'messages', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table read_states (
        thread_id uuid not null references threads (id),
        user_id uuid not null,
        account_id uuid not null,
        workspace_id uuid not null,
        last_read_seq bigint not null default 0,
        unread integer not null default 0 check (unread >= 0),
        updated_at timestamptz not null default now(),
        primary key (thread_id, user_id)
      )`);
    await q.query(`create index read_states_member on read_states (workspace_id, user_id)`);
    await enableTenantRls(q, 'read_states', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    // One row per member and workspace: GET /me reads a user's rows across tenants.
    await q.query(`
      create table workspace_unread (
        workspace_id uuid not null,
        user_id uuid not null,
        account_id uuid not null,
        unread integer not null default 0 check (unread >= 0),
        primary key (workspace_id, user_id)
      )`);
    await q.query(`create index workspace_unread_user on workspace_unread (user_id)`);
    await enableTenantRls(q, 'workspace_unread', {
      accountColumn: 'account_id',
      workspaceColumn: 'workspace_id',
      alsoReadableWhen: `user_id = ${CURRENT_USER_ID}`,
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table workspace_unread`);
    await q.query(`drop table read_states`);
    await q.query(`drop table messages`);
    await q.query(`drop table threads`);
    await q.query(`drop table thread_members`);
  }
}
