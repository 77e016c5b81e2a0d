import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * Notifications resolve their audiences from `thread_members`, the projection threads already
 * keep from the same workspace.member.* events (versioned, so reordering cannot undo a change):
 * the second copy, `notification_members`, goes.
 */
export class OneMembersProjection1735600000000 implements MigrationInterface {
  name = 'OneMembersProjection1735600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`drop table notification_members`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      create table notification_members (
        account_id uuid not null,
        workspace_id uuid not null,
        user_id uuid not null,
        role text not null check (role in ('owner', 'collaborator', 'client_admin', 'client_viewer')),
        updated_at timestamptz not null default now(),
        primary key (workspace_id, user_id)
      )`);
    await enableTenantRls(q, 'notification_members', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
    await q.query(
      `insert into notification_members (account_id, workspace_id, user_id, role)
       select account_id, workspace_id, user_id, role from thread_members where removed_at is null`,
    );
  }
}
