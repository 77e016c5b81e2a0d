import { MigrationInterface, QueryRunner } from 'typeorm';

export class RefreshTokens1732300300000 implements MigrationInterface {
  name = 'RefreshTokens1732300300000';

  async up(q: QueryRunner): Promise<void> {
    // Sessions belong to a (global) user, not to a tenant: no account_id, hence no RLS.
    // Only a SHA-256 of the token's secret is stored; a database leak yields no usable token.
    await q.query(`
      create table refresh_tokens (
        id uuid primary key,
        family_id uuid not null,
        user_id uuid not null references users (id) on delete cascade,
        token_hash bytea not null check (length(token_hash) = 32),
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        used_at timestamptz,
        revoked_at timestamptz,
        revoked_reason text check (revoked_reason in ('logout', 'reuse_detected')),
        replaced_by uuid references refresh_tokens (id),
        created_ip text check (length(created_ip) <= 64),
        user_agent text check (length(user_agent) <= 512),
        constraint refresh_tokens_token_hash_key unique (token_hash),
        constraint refresh_tokens_revoked_check check ((revoked_at is null) = (revoked_reason is null))
      )`);
    await q.query(`create index refresh_tokens_family_idx on refresh_tokens (family_id)`);
    await q.query(`create index refresh_tokens_user_idx on refresh_tokens (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table refresh_tokens`);
  }
}
