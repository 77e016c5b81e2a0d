import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * Milestones proposed per account and calendar month (UTC), for the plan's
 * `milestonesPerMonth`: one row the first time a milestone is proposed in a month, so a
 * milestone declined and proposed again counts once. Account-wide RLS (no workspace
 * column): a proposal in one workspace counts the account's others.
 */
export class PlanUsage1735100100000 implements MigrationInterface {
  name = 'PlanUsage1735100100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table milestone_proposals (
        account_id uuid not null,
        month date not null check (extract(day from month) = 1),
        milestone_id uuid not null,
        workspace_id uuid not null,
        proposed_at timestamptz not null,
        primary key (account_id, month, milestone_id)
      )`);
    await enableTenantRls(q, 'milestone_proposals', { accountColumn: 'account_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table milestone_proposals`);
  }
}
