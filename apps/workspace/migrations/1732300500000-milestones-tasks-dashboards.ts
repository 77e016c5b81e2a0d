import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls, makeAppendOnly } from '@fpms/database/rls';

const MILESTONE_STATUSES = [
  'draft',
  'proposed',
  'accepted',
  'funding',
  'funded',
  'submitted',
  'changes_requested',
  'approved',
  'released',
  'cancelled',
  'refund_requested',
  'refunded',
  'disputed',
];
const STATUS_LIST = `(${MILESTONE_STATUSES.map((s) => `'${s}'`).join(', ')})`;
const money = (name: string) => `${name} bigint not null default 0`;
const MONEY_COLUMNS = ['contracted', 'in_escrow', 'released', 'refunded', 'disputed', 'paid'].map(money).join(',\n        ');
const tenant = { accountColumn: 'account_id', workspaceColumn: 'workspace_id' };

/**
 * Milestones (with their review timers and the money facts billing reported), tasks on a
 * customisable board, and the dashboard read models (DESIGN §5). Amounts are bigint minor
 * units with an ISO currency; every table carrying a tenant has RLS ENABLE + FORCE.
 */
export class MilestonesTasksDashboards1732300500000 implements MigrationInterface {
  name = 'MilestonesTasksDashboards1732300500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `alter table workspaces add column review_window_days int not null default 14 check (review_window_days between 1 and 30)`,
    );
    // Billing and the review timer change milestones too: they have no user id.
    await q.query(`alter table activity_log alter column actor_user_id drop not null`);

    await q.query(`
      create table milestones (
        id uuid primary key,
        seq bigint generated always as identity,
        account_id uuid not null,
        workspace_id uuid not null references workspaces (id),
        title text not null check (length(title) between 1 and 200),
        description text check (description is null or length(description) <= 10000),
        amount bigint not null check (amount > 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        due_date date,
        review_window_days int not null check (review_window_days between 1 and 30),
        status text not null default 'draft' check (status in ${STATUS_LIST}),
        -- while disputed: the status a won or withdrawn dispute returns to
        resume_status text check (resume_status is null or resume_status in ${STATUS_LIST}),
        deliverable_file_version_id uuid,
        submitted_at timestamptz,
        approved_at timestamptz,
        approved_by text check (approved_by in ('client', 'auto')),
        -- the last billing aggregateVersion applied: older events are stale
        billing_version bigint not null default 0,
        version int not null default 1,
        created_by uuid not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        check ((status = 'disputed') = (resume_status is not null)),
        check (status not in ('submitted', 'approved', 'released') or deliverable_file_version_id is not null)
      )`);
    await q.query(`create unique index milestones_seq_idx on milestones (seq)`);
    await q.query(`create index milestones_workspace_seq_idx on milestones (workspace_id, seq desc)`);
    await enableTenantRls(q, 'milestones', tenant);

    // One row per submitted milestone. wake_at is when the poller next has work for it.
    await q.query(`
      create table milestone_review_timers (
        milestone_id uuid primary key references milestones (id) on delete cascade,
        account_id uuid not null,
        workspace_id uuid not null,
        due_at timestamptz not null,
        next_reminder_at timestamptz,
        wake_at timestamptz generated always as (least(due_at, next_reminder_at)) stored,
        paused_at timestamptz,
        claimed_until timestamptz,
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index milestone_review_timers_wake_idx on milestone_review_timers (wake_at) where paused_at is null`);
    await enableTenantRls(q, 'milestone_review_timers', tenant);

    // Money facts as billing reported them (one row per applied event): the audit trail and
    // the normalised source the dashboard's money could be recomputed from.
    await q.query(`
      create table milestone_money_events (
        id bigint generated always as identity primary key,
        event_id uuid not null unique,
        account_id uuid not null,
        workspace_id uuid not null,
        milestone_id uuid not null references milestones (id),
        type text not null,
        amount bigint check (amount is null or amount > 0),
        currency text check (currency is null or currency ~ '^[A-Z]{3}$'),
        billing_version bigint not null,
        outcome text not null check (outcome in ('applied', 'already', 'stale')),
        occurred_at timestamptz not null,
        received_at timestamptz not null default now()
      )`);
    await q.query(`create index milestone_money_events_milestone_idx on milestone_money_events (milestone_id, id)`);
    await q.query(`create index milestone_money_events_workspace_idx on milestone_money_events (workspace_id)`);
    await enableTenantRls(q, 'milestone_money_events', tenant);
    await makeAppendOnly(q, 'milestone_money_events');

    await q.query(`
      create table task_statuses (
        workspace_id uuid not null references workspaces (id),
        account_id uuid not null,
        key text not null check (key ~ '^[a-z][a-z0-9_]{0,39}$'),
        name text not null check (length(name) between 1 and 60),
        category text not null check (category in ('todo', 'in_progress', 'done')),
        position int not null,
        primary key (workspace_id, key)
      )`);
    await enableTenantRls(q, 'task_statuses', tenant);
    await q.query(`
      create table tasks (
        id uuid primary key,
        seq bigint generated always as identity,
        account_id uuid not null,
        workspace_id uuid not null references workspaces (id),
        milestone_id uuid references milestones (id),
        title text not null check (length(title) between 1 and 200),
        description text check (description is null or length(description) <= 10000),
        status text not null,
        assignee_user_id uuid,
        due_date date,
        version int not null default 1,
        created_by uuid not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        foreign key (workspace_id, status) references task_statuses (workspace_id, key)
      )`);
    await q.query(`create index tasks_workspace_seq_idx on tasks (workspace_id, seq desc)`);
    await q.query(`create index tasks_milestone_idx on tasks (milestone_id) where milestone_id is not null`);
    await enableTenantRls(q, 'tasks', tenant);

    // Dashboards: one row per workspace / account, one per currency, and a histogram of
    // open due dates (overdue counts move with the calendar, not with events). Reads are
    // primary-key lookups; writers keep them current in the transaction of each change.
    const statusColumns = MILESTONE_STATUSES.map((s) => `ms_${s} int not null default 0`).join(',\n        ');
    await q.query(`
      create table workspace_dashboards (
        workspace_id uuid primary key references workspaces (id),
        account_id uuid not null,
        milestones_total int not null default 0,
        milestones_open int not null default 0,
        ${statusColumns},
        tasks_total int not null default 0,
        tasks_open int not null default 0,
        last_activity_at timestamptz,
        updated_at timestamptz not null default now()
      )`);
    await enableTenantRls(q, 'workspace_dashboards', tenant);
    await q.query(`
      create table workspace_dashboard_money (
        workspace_id uuid not null,
        currency text not null,
        account_id uuid not null,
        ${MONEY_COLUMNS},
        primary key (workspace_id, currency)
      )`);
    await enableTenantRls(q, 'workspace_dashboard_money', tenant);
    await q.query(`
      create table workspace_dashboard_due (
        workspace_id uuid not null,
        kind text not null check (kind in ('milestone', 'task')),
        due_date date not null,
        account_id uuid not null,
        open_count int not null check (open_count >= 0),
        primary key (workspace_id, kind, due_date)
      )`);
    await enableTenantRls(q, 'workspace_dashboard_due', tenant);

    await q.query(`
      create table account_dashboards (
        account_id uuid primary key references accounts (id),
        workspaces_total int not null default 0,
        workspaces_active int not null default 0,
        milestones_total int not null default 0,
        milestones_open int not null default 0,
        last_activity_at timestamptz,
        updated_at timestamptz not null default now()
      )`);
    await enableTenantRls(q, 'account_dashboards', { accountColumn: 'account_id' });
    await q.query(`
      create table account_dashboard_money (
        account_id uuid not null,
        currency text not null,
        ${MONEY_COLUMNS},
        primary key (account_id, currency)
      )`);
    await enableTenantRls(q, 'account_dashboard_money', { accountColumn: 'account_id' });
    await q.query(`
      create table account_dashboard_due (
        account_id uuid not null,
        kind text not null check (kind in ('milestone', 'task')),
        due_date date not null,
        open_count int not null check (open_count >= 0),
        primary key (account_id, kind, due_date)
      )`);
    await enableTenantRls(q, 'account_dashboard_due', { accountColumn: 'account_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'account_dashboard_due',
      'account_dashboard_money',
      'account_dashboards',
      'workspace_dashboard_due',
      'workspace_dashboard_money',
      'workspace_dashboards',
      'tasks',
      'task_statuses',
      'milestone_money_events',
      'milestone_review_timers',
      'milestones',
    ]) {
      await q.query(`drop table ${table}`);
    }
    await q.query(`alter table workspaces drop column review_window_days`);
  }
}
