import { MigrationInterface, QueryRunner } from 'typeorm';
import { CURRENT_USER_ID, enableTenantRls } from '@fpms/database/rls';

export class UsersAndMemberships1732300200000 implements MigrationInterface {
  name = 'UsersAndMemberships1732300200000';

  async up(q: QueryRunner): Promise<void> {
    // Users are global (no tenant column): login looks them up before any tenant is known.
    await q.query(`
      create table users (
        id uuid primary key,
        email text not null check (email = lower(email) and length(email) between 3 and 254),
        password_hash text not null,
        display_name text not null check (length(display_name) between 1 and 100),
        -- Platform admins read across tenants only through the audited override.
        is_platform_admin boolean not null default false,
        created_at timestamptz not null default now(),
        constraint users_email_key unique (email)
      )`);
    await q.query(`
      create table account_memberships (
        user_id uuid not null references users (id),
        account_id uuid not null,
        role text not null check (role in ('owner')),
        created_at timestamptz not null default now(),
        primary key (user_id, account_id)
      )`);
    await q.query(`create index account_memberships_account_idx on account_memberships (account_id)`);
    // Visible to the account's transactions, and readable by the user they belong to.
    await enableTenantRls(q, 'account_memberships', { accountColumn: 'account_id', alsoReadableWhen: `user_id = ${CURRENT_USER_ID}` });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table account_memberships`);
    await q.query(`drop table users`);
  }
}
