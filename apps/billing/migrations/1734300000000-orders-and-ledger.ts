import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls, makeAppendOnly } from '@fpms/database/rls';

// Repeated here on purpose: a migration must not change when the contracts do.
const ORDER_STATUSES = `('pending', 'payment_failed', 'held', 'released', 'refunded')`;
const LEDGER_KINDS = `('charge', 'stripe_fee', 'platform_fee', 'transfer', 'refund', 'reversal', 'dispute')`;

/**
 * Escrow orders (one per milestone) and the append-only money ledger under them, plus
 * billing's projection of each account's plan (it decides the platform fee).
 */
export class OrdersAndLedger1734300000000 implements MigrationInterface {
  name = 'OrdersAndLedger1734300000000';

  async up(q: QueryRunner): Promise<void> {
    // workspace.account.created, later billing's own subscriptions. No row → free plan.
    await q.query(`
      create table billing_accounts (
        account_id uuid primary key,
        plan text not null check (plan in ('free', 'pro', 'enterprise')),
        updated_at timestamptz not null default now()
      )`);
    await enableTenantRls(q, 'billing_accounts', { accountColumn: 'account_id' });

    await q.query(`
      create table orders (
        id uuid primary key,
        account_id uuid not null,
        workspace_id uuid not null,
        milestone_id uuid not null unique,
        amount bigint not null check (amount > 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        status text not null default 'pending' check (status in ${ORDER_STATUSES}),
        charged bigint not null default 0 check (charged >= 0),
        released bigint not null default 0 check (released >= 0),
        platform_fee bigint not null default 0 check (platform_fee >= 0),
        refunded bigint not null default 0 check (refunded >= 0),
        disputed bigint not null default 0 check (disputed >= 0),
        checkout_session_id text,
        checkout_url text,
        checkout_expires_at timestamptz,
        checkout_attempt integer not null default 0,
        payment_intent_id text,
        charge_id text,
        connected_account_id text,
        transfer_id text,
        released_at timestamptz,
        release_requested_at timestamptz,
        release_attempts integer not null default 0,
        release_next_attempt_at timestamptz,
        release_last_error text,
        version integer not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check (released + refunded <= charged),
        check (disputed <= charged),
        check (platform_fee <= released)
      )`);
    await q.query(
      `create index orders_release_due on orders (release_next_attempt_at) where release_requested_at is not null and transfer_id is null`,
    );
    await enableTenantRls(q, 'orders', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table ledger_entries (
        id uuid primary key,
        order_id uuid not null references orders (id),
        account_id uuid not null,
        workspace_id uuid not null,
        kind text not null check (kind in ${LEDGER_KINDS}),
        amount bigint not null check (amount > 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        stripe_object_id text not null,
        stripe_event_id text,
        created_at timestamptz not null default now(),
        unique (kind, stripe_object_id)
      )`);
    await q.query(`create index ledger_entries_order on ledger_entries (order_id, created_at)`);
    await enableTenantRls(q, 'ledger_entries', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
    await makeAppendOnly(q, 'ledger_entries');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table ledger_entries`);
    await q.query(`drop table orders`);
    await q.query(`drop table billing_accounts`);
  }
}
