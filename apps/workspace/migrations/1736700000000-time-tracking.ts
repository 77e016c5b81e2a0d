import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * Time tracking and hourly contracts (issue 20, workspace side). Every entry is a span of
 * two instants (a running timer has no end yet); the database itself refuses what must never
 * exist whatever runs concurrently: two overlapping spans of one user (an exclusion
 * constraint, across all tenants) and two running timers of one user (a partial unique
 * index). `time_totals` is the read model of the timesheets: seconds per workspace, user,
 * local day, task and milestone, changed in the same transaction as the entries.
 */
export class TimeTracking1736700000000 implements MigrationInterface {
  name = 'TimeTracking1736700000000';

  async up(q: QueryRunner): Promise<void> {
    // Week boundaries (Monday 00:00) and days are the account's; UTC until the owner sets one.
    await q.query(`alter table accounts add column time_zone text not null default 'UTC'`);
    // Trusted since PostgreSQL 13: the database's owner (who migrates) may create it.
    await q.query(`create extension if not exists btree_gist`);

    await q.query(`
      create table hourly_contracts (
        id uuid primary key,
        account_id uuid not null references accounts (id),
        workspace_id uuid not null references workspaces (id),
        status text not null check (status in ('proposed', 'active', 'ended')),
        rate_minor bigint not null check (rate_minor > 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        weekly_cap_hours int check (weekly_cap_hours between 1 and 168),
        proposed_by uuid not null,
        proposed_at timestamptz not null,
        accepted_by uuid,
        accepted_at timestamptz,
        ended_by uuid,
        ended_at timestamptz,
        version int not null default 1,
        check (status <> 'active' or accepted_at is not null),
        check ((status = 'ended') = (ended_at is not null))
      )`);
    // One proposed or active contract per workspace at a time.
    await q.query(`create unique index hourly_contracts_one_open on hourly_contracts (workspace_id) where status <> 'ended'`);
    await enableTenantRls(q, 'hourly_contracts', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table time_entries (
        id uuid primary key,
        seq bigint generated always as identity unique,
        account_id uuid not null references accounts (id),
        workspace_id uuid not null references workspaces (id),
        user_id uuid not null,
        started_at timestamptz not null,
        ended_at timestamptz,
        -- The local day and the Monday of the week the entry starts in (account time zone); null while running.
        local_day date,
        week_start date,
        note text,
        -- Plain references: a task deleted later keeps its hours under its id in the timesheet.
        task_id uuid,
        milestone_id uuid,
        source text not null check (source in ('manual', 'timer')),
        -- Set by billing's weekly cycle once the week is billed: the entry no longer changes.
        locked_at timestamptz,
        version int not null default 1,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        check (ended_at is null or ended_at > started_at),
        check ((ended_at is null) = (local_day is null) and (local_day is null) = (week_start is null)),
        constraint time_entries_no_overlap exclude using gist (
          user_id with =, tstzrange(started_at, coalesce(ended_at, 'infinity'::timestamptz), '[)') with &&
        )
      )`);
    await q.query(`create unique index time_entries_one_running_timer on time_entries (user_id) where ended_at is null`);
    await q.query(`create index time_entries_workspace on time_entries (workspace_id, seq desc)`);
    await q.query(`create index time_entries_workspace_week on time_entries (workspace_id, week_start) where locked_at is not null`);
    await enableTenantRls(q, 'time_entries', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table time_totals (
        account_id uuid not null references accounts (id),
        workspace_id uuid not null references workspaces (id),
        user_id uuid not null,
        day date not null,
        week_start date not null,
        task_id uuid,
        milestone_id uuid,
        seconds bigint not null check (seconds >= 0),
        entries int not null check (entries >= 0),
        constraint time_totals_key unique nulls not distinct (workspace_id, user_id, day, task_id, milestone_id)
      )`);
    await q.query(`create index time_totals_week on time_totals (workspace_id, week_start)`);
    await enableTenantRls(q, 'time_totals', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table time_totals`);
    await q.query(`drop table time_entries`);
    await q.query(`drop table hourly_contracts`);
    await q.query(`alter table accounts drop column time_zone`);
  }
}
