import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

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
    // Visible to the account's transactions, and to the user reading their own memberships.
    await enableTenantRls(q, 'account_memberships', {
      accountColumn: 'account_id',
      orUsing: `user_id = nullif(current_setting('app.user_id', true), '')::uuid`,
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table account_memberships`);
    await q.query(`drop table users`);
  }
}
