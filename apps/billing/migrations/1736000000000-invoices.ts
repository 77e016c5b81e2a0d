import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * Invoices and credit notes (issue 15).
 *
 * - `invoice_profiles`: the freelancer's invoicing details per account (seller, tax rate,
 *   number patterns); `invoice_buyers`: the client's per workspace. Invoices copy both.
 * - `invoice_counters`: one row per account, series and period (`2026`, `2026-03` or `all`,
 *   from the pattern). The finalising transaction increments it (an upsert, which holds the
 *   row lock until commit), so numbers are gap-free: a rollback undoes the increment too,
 *   unlike a sequence.
 * - `invoices`: both kinds, immutable snapshots; one invoice per order, one credit note per
 *   refund (unique keys: a duplicate webhook or redelivery issues nothing twice); numbers
 *   unique per account and series. The PDF columns track rendering and where the files
 *   service stored it.
 */
export class Invoices1736000000000 implements MigrationInterface {
  name = 'Invoices1736000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table invoice_profiles (
        account_id uuid primary key,
        business_name text,
        address text,
        tax_id text,
        tax_rate_bp integer not null default 0 check (tax_rate_bp between 0 and 10000),
        tax_note text,
        invoice_pattern text not null,
        credit_note_pattern text not null,
        updated_at timestamptz not null default now()
      )`);
    await enableTenantRls(q, 'invoice_profiles', { accountColumn: 'account_id' });

    await q.query(`
      create table invoice_buyers (
        workspace_id uuid primary key,
        account_id uuid not null,
        name text not null,
        address text,
        tax_id text,
        updated_by uuid not null,
        updated_at timestamptz not null default now()
      )`);
    await enableTenantRls(q, 'invoice_buyers', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table invoice_counters (
        account_id uuid not null,
        series text not null check (series in ('invoice', 'credit_note')),
        period text not null,
        last_number integer not null check (last_number > 0),
        primary key (account_id, series, period)
      )`);
    await enableTenantRls(q, 'invoice_counters', { accountColumn: 'account_id' });

    await q.query(`
      create table invoices (
        id uuid primary key,
        account_id uuid not null,
        workspace_id uuid not null,
        order_id uuid not null references orders (id),
        milestone_id uuid not null,
        kind text not null check (kind in ('invoice', 'credit_note')),
        series text not null,
        period text not null,
        sequence integer not null check (sequence > 0),
        number text not null,
        credit_for uuid references invoices (id),
        refund_key text,
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        seller jsonb not null,
        buyer jsonb not null,
        lines jsonb not null,
        subtotal bigint not null check (subtotal >= 0),
        tax_rate_bp integer not null,
        tax_amount bigint not null check (tax_amount >= 0),
        total bigint not null check (total > 0 and total = subtotal + tax_amount),
        tax_note text,
        platform_fee bigint,
        issued_at timestamptz not null,
        paid_at timestamptz,
        pdf_status text not null default 'pending' check (pdf_status in ('pending', 'rendered', 'stored')),
        pdf_attempts integer not null default 0,
        pdf_next_attempt_at timestamptz not null default now(),
        pdf_last_error text,
        pdf_sha256 text,
        file_id uuid,
        file_version_id uuid,
        created_at timestamptz not null default now(),
        check ((kind = 'credit_note') = (credit_for is not null and refund_key is not null))
      )`);
    await q.query(`create unique index invoices_one_per_order on invoices (order_id) where kind = 'invoice'`);
    await q.query(`create unique index invoices_one_per_refund on invoices (refund_key) where kind = 'credit_note'`);
    await q.query(`create unique index invoices_number_uq on invoices (account_id, series, number)`);
    await q.query(`create unique index invoices_sequence_uq on invoices (account_id, series, period, sequence)`);
    await q.query(`create index invoices_workspace on invoices (workspace_id, issued_at desc)`);
    await q.query(`create index invoices_pdf_due on invoices (pdf_next_attempt_at) where pdf_status = 'pending'`);
    await enableTenantRls(q, 'invoices', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table invoices`);
    await q.query(`drop table invoice_counters`);
    await q.query(`drop table invoice_buyers`);
    await q.query(`drop table invoice_profiles`);
  }
}
