import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * Plans now come from `account_entitlements` (billing.entitlements.changed): the old
 * projection of `billing.account.plan_changed` goes. No data is lost that billing does not
 * publish again: its entitlements carry the plan.
 */
export class RetireAccountPlans1735100200000 implements MigrationInterface {
  name = 'RetireAccountPlans1735100200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`drop table account_plans`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      create table account_plans (
        account_id uuid primary key,
        plan text not null check (plan in ('free', 'pro', 'enterprise')),
        plan_version bigint not null default 0,
        updated_at timestamptz not null default now()
      )`);
    await enableTenantRls(q, 'account_plans', { accountColumn: 'account_id' });
  }
}
