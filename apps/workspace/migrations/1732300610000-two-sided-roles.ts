import { MigrationInterface, QueryRunner } from 'typeorm';
import { CURRENT_USER_ID, enableTenantRls } from '@fpms/database/rls';

const tenant = { accountColumn: 'account_id', workspaceColumn: 'workspace_id' };

/**
 * Two-sided roles (docs/decisions.md, "Two sides: who grants client roles"):
 * - which side issued an invitation (the freelancer side may only bring in the first client admin);
 * - a per-workspace membership sequence: the aggregateVersion of membership events, and the
 *   row every membership change locks first, so concurrent changes are serialised;
 * - former client admins per paid milestone: their read-only view after leaving.
 */
export class TwoSidedRoles1732300610000 implements MigrationInterface {
  name = 'TwoSidedRoles1732300610000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `alter table workspace_invitations add column issuer_side text not null default 'freelancer' check (issuer_side in ('freelancer', 'client'))`,
    );

    await q.query(`
      create table workspace_membership_versions (
        workspace_id uuid primary key references workspaces (id),
        account_id uuid not null,
        version bigint not null default 0
      )`);
    await enableTenantRls(q, 'workspace_membership_versions', tenant);
    await q.query(`
      create table former_client_grants (
        workspace_id uuid not null references workspaces (id),
        account_id uuid not null,
        milestone_id uuid not null references milestones (id),
        user_id uuid not null,
        recorded_at timestamptz not null default now(),
        primary key (milestone_id, user_id)
      )`);
    await q.query(`create index former_client_grants_user_idx on former_client_grants (user_id, workspace_id)`);
    // The former client finds their own grants before any tenant is known (as with memberships).
    await enableTenantRls(q, 'former_client_grants', { ...tenant, alsoReadableWhen: `user_id = ${CURRENT_USER_ID}` });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table former_client_grants`);
    await q.query(`drop table workspace_membership_versions`);
    await q.query(`alter table workspace_invitations drop column issuer_side`);
  }
}
