import { MigrationInterface, QueryRunner } from 'typeorm';
import { CURRENT_USER_ID, enableTenantRls } from '@fpms/database/rls';

export class NotificationsAndEmail1735300100000 implements MigrationInterface {
  name = 'NotificationsAndEmail1735300100000';

  async up(q: QueryRunner): Promise<void> {
    // Who is in each workspace, with which role: projected from workspace.member.* events,
    // so a notification's audience is resolved in the consumer's own transaction.
    await q.query(`
      create table notification_members (
        account_id uuid not null,
        workspace_id uuid not null,
        user_id uuid not null,
        role text not null check (role in ('owner', 'collaborator', 'client_admin', 'client_viewer')),
        updated_at timestamptz not null default now(),
        primary key (workspace_id, user_id)
      )`);
    await enableTenantRls(q, 'notification_members', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    // Users are global (as in the gateway): contact details and per-user settings carry no
    // tenant and are read by user id only, through their repositories.
    await q.query(`
      create table notification_contacts (
        user_id uuid primary key,
        email text not null,
        display_name text not null,
        owned_account_id uuid,
        updated_at timestamptz not null default now()
      )`);
    await q.query(
      `create index notification_contacts_account_idx on notification_contacts (owned_account_id) where owned_account_id is not null`,
    );

    await q.query(`
      create table notification_settings (
        user_id uuid primary key,
        time_zone text not null default 'UTC',
        digest_hour smallint not null default 8 check (digest_hour between 0 and 23),
        email_enabled boolean not null default true,
        -- The next local morning (digest_hour in time_zone) after the first item waiting
        -- for the digest; null while nothing waits.
        next_digest_at timestamptz,
        updated_at timestamptz not null default now()
      )`);
    await q.query(
      `create index notification_settings_digest_idx on notification_settings (next_digest_at) where next_digest_at is not null`,
    );
    await q.query(`
      create table notification_preferences (
        user_id uuid not null,
        type text not null,
        channel text not null check (channel in ('in_app', 'email', 'off')),
        delivery text not null check (delivery in ('immediate', 'digest')),
        updated_at timestamptz not null default now(),
        primary key (user_id, type)
      )`);

    await q.query(`
      create table notifications (
        id bigint generated always as identity primary key,
        account_id uuid not null,
        workspace_id uuid,
        user_id uuid not null,
        type text not null,
        subject_kind text not null,
        subject_id text not null,
        headline text not null,
        actor_user_id uuid,
        source_event_id uuid not null,
        dedupe_key text not null,
        -- Set while the notification waits for the user's daily digest.
        digest_pending boolean not null default false,
        read_at timestamptz,
        created_at timestamptz not null,
        unique (user_id, type, dedupe_key)
      )`);
    await q.query(`create index notifications_user_idx on notifications (user_id, id desc)`);
    await q.query(`create index notifications_unread_idx on notifications (user_id) where read_at is null`);
    await q.query(`create index notifications_digest_idx on notifications (user_id, created_at) where digest_pending`);
    // Written by the consumer in the event's tenant; read and marked read by their own recipient.
    await enableTenantRls(q, 'notifications', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
    await q.query(
      `create policy recipient_own on notifications using (user_id = ${CURRENT_USER_ID}) with check (user_id = ${CURRENT_USER_ID})`,
    );

    // The email outbox: every email the platform sends, claimed by a worker on any replica.
    // Not tenant data (account-security emails have no tenant): the worker is cross-tenant.
    await q.query(`
      create table email_outbox (
        id uuid primary key,
        user_id uuid,
        to_address text not null,
        template_id text not null,
        data jsonb not null,
        -- Rows with the same key merge while pending (the dedup window).
        coalesce_key text,
        unsubscribe_scope text,
        status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
        send_after timestamptz not null,
        attempts int not null default 0,
        claimed_until timestamptz,
        last_error text,
        smtp_message_id text,
        created_at timestamptz not null,
        sent_at timestamptz
      )`);
    await q.query(`create unique index email_outbox_coalesce_key on email_outbox (coalesce_key) where status = 'pending'`);
    await q.query(`create index email_outbox_due_idx on email_outbox (send_after) where status in ('pending', 'sending')`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'email_outbox',
      'notifications',
      'notification_preferences',
      'notification_settings',
      'notification_contacts',
      'notification_members',
    ]) {
      await q.query(`drop table ${t}`);
    }
  }
}
