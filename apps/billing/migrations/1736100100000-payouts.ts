import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * Payouts of the freelancers' connected accounts (issue 15, item 3), from Connect's
 * `payout.*` webhooks: one row per Stripe payout, its status moving only forward (pending →
 * in_transit → paid → failed; failed and canceled are final). `seq` orders the owner's list
 * (keyset paging, newest first).
 */
export class Payouts1736100100000 implements MigrationInterface {
  name = 'Payouts1736100100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table payouts (
        seq bigserial unique,
        stripe_payout_id text primary key,
        account_id uuid not null,
        stripe_account_id text not null,
        amount bigint not null check (amount >= 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        status text not null check (status in ('pending', 'in_transit', 'paid', 'failed', 'canceled')),
        arrival_date timestamptz,
        method text,
        failure_code text,
        failure_message text,
        stripe_created timestamptz not null,
        paid_at timestamptz,
        failed_at timestamptz,
        version integer not null default 1,
        updated_at timestamptz not null default now()
      )`);
    await q.query(`create index payouts_account_seq on payouts (account_id, seq desc)`);
    await enableTenantRls(q, 'payouts', { accountColumn: 'account_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table payouts`);
  }
}
