import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * Each enforcing service's projection of `billing.entitlements.changed`: one row per
 * account, the newest version billing published (no row → the free plan, `active`).
 * The same table in workspace and files, each in its own database.
 */
export class AccountEntitlements1735100000000 implements MigrationInterface {
  name = 'AccountEntitlements1735100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table account_entitlements (
        account_id uuid primary key,
        version bigint not null check (version >= 0),
        plan text not null check (plan in ('free', 'pro', 'enterprise')),
        standing text not null check (standing in ('active', 'past_due', 'locked')),
        limits jsonb not null,
        features text[] not null,
        platform_fee_bps int not null,
        past_due_since timestamptz,
        locks_at timestamptz,
        updated_at timestamptz not null default now()
      )`);
    await enableTenantRls(q, 'account_entitlements', { accountColumn: 'account_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table account_entitlements`);
  }
}
