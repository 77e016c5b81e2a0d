import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * Billing's side of hourly contracts (issue 20, docs/time-tracking.md "Weekly cycle: billing"):
 *
 * - `hourly_contracts`: the workspace's contracts as `workspace.hourly_contract.*` describe them
 *   (newest version wins), with the Stripe customer and the saved payment method that pays
 *   their weeks; `event_version` numbers billing's own events about the contract.
 * - `hourly_week_charges`: one row per approved (contract, week, batch) — the unique key that
 *   makes a redelivered approval charge nothing twice — with its entries, amount, invoice,
 *   order and retry state. The worker claims due rows FOR UPDATE SKIP LOCKED.
 * - orders get the kind `hourly_week`: each week charge has its order (milestone_id = the week
 *   charge's id), so the ledger, its invariants, invoices and earnings work as for pay-now.
 */
export class HourlyBilling1736200000000 implements MigrationInterface {
  name = 'HourlyBilling1736200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table orders drop constraint orders_kind_check`);
    await q.query(`alter table orders add constraint orders_kind_check check (kind in ('escrow', 'pay_now', 'hourly_week'))`);

    await q.query(`
      create table hourly_contracts (
        id uuid primary key,
        account_id uuid not null,
        workspace_id uuid not null,
        status text not null check (status in ('proposed', 'active', 'ended')),
        rate_minor bigint not null check (rate_minor >= 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        contract_version integer not null,
        stripe_customer_id text,
        payment_method_id text,
        payment_method_brand text,
        payment_method_last4 text,
        payment_method_saved_at timestamptz,
        setup_attempt integer not null default 0,
        setup_intent_id text,
        event_version integer not null default 0,
        updated_at timestamptz not null default now()
      )`);
    await q.query(`create index hourly_contracts_workspace on hourly_contracts (workspace_id)`);
    await enableTenantRls(q, 'hourly_contracts', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table hourly_week_charges (
        id uuid primary key,
        account_id uuid not null,
        workspace_id uuid not null,
        contract_id uuid not null,
        week_start date not null,
        batch integer not null check (batch >= 0),
        time_zone text not null,
        rate_minor bigint not null check (rate_minor >= 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        billable_seconds bigint not null check (billable_seconds >= 0),
        amount bigint not null check (amount >= 0),
        entries jsonb not null,
        status text not null check (status in ('due', 'paid', 'not_charged')),
        order_id uuid unique,
        invoice_id uuid,
        invoice_number text,
        attempts integer not null default 0,
        next_attempt_at timestamptz,
        last_decline_code text,
        payment_intent_id text,
        paid_at timestamptz,
        source_event_id uuid not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (contract_id, week_start, batch)
      )`);
    await q.query(`create index hourly_week_charges_due on hourly_week_charges (next_attempt_at) where status = 'due'`);
    await enableTenantRls(q, 'hourly_week_charges', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table hourly_week_charges`);
    await q.query(`drop table hourly_contracts`);
    await q.query(`alter table orders drop constraint orders_kind_check`);
    await q.query(`alter table orders add constraint orders_kind_check check (kind in ('escrow', 'pay_now'))`);
  }
}
