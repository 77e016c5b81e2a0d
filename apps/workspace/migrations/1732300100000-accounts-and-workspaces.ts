import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

export class AccountsAndWorkspaces1732300100000 implements MigrationInterface {
  name = 'AccountsAndWorkspaces1732300100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table accounts (
        id uuid primary key,
        name text not null check (length(name) between 1 and 200),
        plan text not null default 'free' check (plan in ('free', 'pro', 'enterprise')),
        owner_user_id uuid not null,
        created_at timestamptz not null default now()
      )`);
    await enableTenantRls(q, 'accounts', { accountColumn: 'id' });
    await q.query(`
      create table workspaces (
        id uuid primary key,
        account_id uuid not null references accounts (id),
        name text not null check (length(name) between 1 and 200),
        client_name text check (client_name is null or length(client_name) between 1 and 200),
        created_by uuid not null,
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index workspaces_account_created_idx on workspaces (account_id, created_at desc, id)`);
    await enableTenantRls(q, 'workspaces', { accountColumn: 'account_id', workspaceColumn: 'id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table workspaces`);
    await q.query(`drop table accounts`);
  }
}
