import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * One Stripe Connect (Express) account per FPMS account (the tenant). No row means onboarding
 * has not started. `requirements` holds what Stripe still asks for, in plain words;
 * `stripe_updated_at` is the `created` time of the newest Stripe event applied (events older
 * than it are stale); `version` increases with every change and is the aggregateVersion of
 * `billing.connect.status_changed`.
 */
export class CreateConnectAccounts1734200000000 implements MigrationInterface {
  name = 'CreateConnectAccounts1734200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table connect_accounts (
        account_id uuid primary key,
        stripe_account_id text not null unique,
        status text not null check (status in ('pending', 'restricted', 'enabled', 'deauthorized')),
        charges_enabled boolean not null,
        payouts_enabled boolean not null,
        requirements jsonb not null default '[]' check (jsonb_typeof(requirements) = 'array'),
        version integer not null check (version >= 1),
        stripe_updated_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    await enableTenantRls(q, 'connect_accounts', { accountColumn: 'account_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table connect_accounts`);
  }
}
