import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * The weekly cycle of hourly contracts (issue 20, workspace side): a week closed at Monday
 * 00:00 in the account's time zone (`time_weeks`, one per workspace and week), the batches
 * of its entries approved for billing (`time_week_batches`: 0 is the review's, 1, 2, ... a
 * settled dispute's, each with billing's payment outcome), and the client's disputes of
 * single entries (`time_entry_disputes`). The client's saved payment method is shown on the
 * contract (brand and last four digits only).
 */
export class TimeWeeks1736800000000 implements MigrationInterface {
  name = 'TimeWeeks1736800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table hourly_contracts
        add column payment_method_brand text,
        add column payment_method_last4 text,
        add column payment_method_saved_at timestamptz,
        -- The week-close job's lease on the contract's workspace (several replicas poll).
        add column close_claimed_until timestamptz`);

    await q.query(`
      create table time_weeks (
        id uuid primary key,
        account_id uuid not null references accounts (id),
        workspace_id uuid not null references workspaces (id),
        contract_id uuid not null references hourly_contracts (id),
        week_start date not null,
        time_zone text not null,
        closed_at timestamptz not null,
        review_due_at timestamptz not null,
        status text not null check (status in ('in_review', 'approved')),
        approved_at timestamptz,
        approved_by text check (approved_by in ('client', 'review_lapsed')),
        approved_by_user uuid,
        entry_count int not null,
        total_seconds bigint not null,
        -- The next batch number a settled dispute gets (0 is the review's).
        next_batch int not null default 1,
        claimed_until timestamptz,
        check ((status = 'approved') = (approved_at is not null)),
        constraint time_weeks_one_per_week unique (workspace_id, week_start)
      )`);
    await q.query(`create index time_weeks_review_due on time_weeks (review_due_at) where status = 'in_review'`);
    await enableTenantRls(q, 'time_weeks', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table time_week_batches (
        week_id uuid not null references time_weeks (id),
        batch int not null check (batch >= 0),
        account_id uuid not null references accounts (id),
        workspace_id uuid not null references workspaces (id),
        contract_id uuid not null references hourly_contracts (id),
        approved_by text not null check (approved_by in ('client', 'review_lapsed', 'dispute_settled')),
        approved_at timestamptz not null,
        entry_ids uuid[] not null,
        billable_seconds bigint not null,
        -- Billing's outcome: paid is final (a late failure of the same batch changes nothing).
        payment text not null default 'pending' check (payment in ('pending', 'failed', 'paid')),
        payment_attempt int,
        decline_code text,
        will_retry_at timestamptz,
        invoice_id uuid,
        paid_at timestamptz,
        primary key (week_id, batch)
      )`);
    await q.query(`create index time_week_batches_unpaid on time_week_batches (contract_id) where payment = 'failed'`);
    await enableTenantRls(q, 'time_week_batches', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table time_entry_disputes (
        entry_id uuid primary key references time_entries (id),
        account_id uuid not null references accounts (id),
        workspace_id uuid not null references workspaces (id),
        week_id uuid not null references time_weeks (id),
        reason text not null,
        disputed_by uuid not null,
        disputed_at timestamptz not null,
        respond_by timestamptz not null,
        status text not null check (status in ('open', 'withdrawn', 'conceded', 'lapsed')),
        resolved_by uuid,
        resolved_at timestamptz,
        claimed_until timestamptz,
        check ((status = 'open') = (resolved_at is null))
      )`);
    await q.query(`create index time_entry_disputes_due on time_entry_disputes (respond_by) where status = 'open'`);
    await q.query(`create index time_entry_disputes_week on time_entry_disputes (week_id)`);
    await enableTenantRls(q, 'time_entry_disputes', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    // What the close job looks for: entries not yet in a closed week.
    await q.query(`create index time_entries_unlocked on time_entries (workspace_id, started_at) where locked_at is null`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index time_entries_unlocked`);
    await q.query(`drop table time_entry_disputes`);
    await q.query(`drop table time_week_batches`);
    await q.query(`drop table time_weeks`);
    await q.query(`alter table hourly_contracts drop column payment_method_brand, drop column payment_method_last4,
      drop column payment_method_saved_at, drop column close_claimed_until`);
  }
}
