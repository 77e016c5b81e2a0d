import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * The earnings report's hours (issue 20, part 4): `earnings_hours` holds the paid hourly
 * weeks' billed seconds and money per account, currency, UTC day of the payment, workspace,
 * paying client, week (its Monday), member and task (`task_id` = the zero uuid for untasked
 * time). The WeekChargeWorker writes it in the transaction that records the week paid (the
 * same one that adds the week to `earnings_daily`), so its money is part of that table's and
 * the report can group hourly work by member, task and week without reading the workspace.
 * Weeks paid before this migration are not backfilled (none were paid in production yet).
 */
export class EarningsHours1736850000000 implements MigrationInterface {
  name = 'EarningsHours1736850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table earnings_hours (
        account_id uuid not null,
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        day date not null,
        workspace_id uuid not null,
        client_user_id uuid not null,
        week_start date not null,
        member_user_id uuid not null,
        task_id uuid not null,
        seconds bigint not null default 0,
        gross bigint not null default 0,
        platform_fees bigint not null default 0,
        net bigint not null default 0,
        releases integer not null default 0,
        primary key (account_id, currency, day, workspace_id, client_user_id, week_start, member_user_id, task_id)
      )`);
    await q.query(`create index earnings_hours_day on earnings_hours (account_id, day)`);
    await enableTenantRls(q, 'earnings_hours', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table earnings_hours`);
  }
}
