import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * Each account's subscription as Stripe last reported it (one row per account: its one
 * Stripe customer), its standing (active, past_due, locked) and the version of the
 * entitlements billing published for it. Only webhook processing (and the lock timer)
 * writes the subscription and standing columns; the checkout only records the customer.
 */
export class Subscriptions1735000000000 implements MigrationInterface {
  name = 'Subscriptions1735000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table billing_subscriptions (
        account_id uuid primary key,
        stripe_customer_id text not null unique,
        stripe_subscription_id text unique,
        status text not null default 'none',
        plan text not null default 'free' check (plan in ('free', 'pro', 'enterprise')),
        billing_interval text check (billing_interval in ('month', 'year')),
        price_id text,
        current_period_start timestamptz,
        current_period_end timestamptz,
        cancel_at_period_end boolean not null default false,
        pending_plan text check (pending_plan in ('free', 'pro', 'enterprise')),
        pending_interval text check (pending_interval in ('month', 'year')),
        pending_at timestamptz,
        next_invoice_amount bigint check (next_invoice_amount >= 0),
        currency text,
        standing text not null default 'active' check (standing in ('active', 'past_due', 'locked')),
        past_due_since timestamptz,
        locks_at timestamptz,
        open_invoice_id text,
        entitlements_version integer not null default 0,
        stripe_synced_at timestamptz,
        updated_at timestamptz not null default now(),
        check ((standing = 'active') = (past_due_since is null)),
        check ((standing = 'past_due') = (locks_at is not null))
      )`);
    await q.query(`create index billing_subscriptions_locks_due on billing_subscriptions (locks_at) where standing = 'past_due'`);
    await enableTenantRls(q, 'billing_subscriptions', { accountColumn: 'account_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table billing_subscriptions`);
  }
}
