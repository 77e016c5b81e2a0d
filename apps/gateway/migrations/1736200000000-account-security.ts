import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18, parts 1–3: verified emails, two-factor sign-in (TOTP) and sessions a user
 * controls. Every table belongs to a (global) user, not a tenant: no RLS, like users and
 * refresh_tokens. Secrets that leave by email or are shown once are stored as SHA-256
 * hashes; the TOTP secret, which must be read back to check codes, is stored encrypted
 * (AES-256-GCM under TOTP_ENCRYPTION_SECRET).
 */
export class AccountSecurity1736200000000 implements MigrationInterface {
  name = 'AccountSecurity1736200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table users add column email_verified_at timestamptz`);
    // Users from before verification existed keep paying and being paid (docs/decisions.md).
    await q.query(`update users set email_verified_at = created_at`);
    await q.query(`alter table users add column password_changed_at timestamptz`);

    // Verification and password-reset links: single use, a hash of the secret only.
    await q.query(`
      create table user_email_tokens (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        purpose text not null check (purpose in ('verify_email', 'password_reset')),
        -- The address the link was sent to: verifying proves this one, not whatever the user has now.
        email text not null check (email = lower(email)),
        token_hash bytea not null check (length(token_hash) = 32),
        created_at timestamptz not null,
        expires_at timestamptz not null,
        used_at timestamptz,
        constraint user_email_tokens_token_hash_key unique (token_hash)
      )`);
    await q.query(`create index user_email_tokens_user_idx on user_email_tokens (user_id, purpose)`);

    await q.query(`
      create table user_totp (
        user_id uuid primary key references users (id) on delete cascade,
        -- AES-256-GCM of the base32 secret: iv, tag and ciphertext, base64url, dot-separated.
        secret_encrypted text not null,
        created_at timestamptz not null,
        -- Null while enrolling (the secret was shown, no code confirmed yet).
        enabled_at timestamptz,
        -- The newest time step a code was accepted for: a code is never accepted twice.
        last_used_step bigint
      )`);

    await q.query(`
      create table user_recovery_codes (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        code_hash bytea not null check (length(code_hash) = 32),
        created_at timestamptz not null,
        used_at timestamptz,
        constraint user_recovery_codes_hash_key unique (user_id, code_hash)
      )`);

    // The login's second step: the password was right; a code is still needed.
    await q.query(`
      create table login_challenges (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        token_hash bytea not null check (length(token_hash) = 32),
        created_at timestamptz not null,
        expires_at timestamptz not null,
        used_at timestamptz,
        failed_attempts int not null default 0,
        constraint login_challenges_token_hash_key unique (token_hash)
      )`);
    await q.query(`create index login_challenges_expires_idx on login_challenges (expires_at)`);

    // Sessions: an absolute end besides the idle refresh expiry, and more ways to end.
    await q.query(`alter table refresh_tokens add column session_started_at timestamptz`);
    await q.query(`alter table refresh_tokens add column session_expires_at timestamptz`);
    await q.query(`update refresh_tokens set session_started_at = created_at, session_expires_at = created_at + interval '30 days'`);
    await q.query(`alter table refresh_tokens alter column session_started_at set not null`);
    await q.query(`alter table refresh_tokens alter column session_expires_at set not null`);
    await q.query(`alter table refresh_tokens drop constraint refresh_tokens_revoked_reason_check`);
    await q.query(`
      alter table refresh_tokens add constraint refresh_tokens_revoked_reason_check
        check (revoked_reason in ('logout', 'reuse_detected', 'user_revoked', 'password_reset', 'password_changed', 'session_expired'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table refresh_tokens drop constraint refresh_tokens_revoked_reason_check`);
    await q.query(`delete from refresh_tokens where revoked_reason not in ('logout', 'reuse_detected')`);
    await q.query(`
      alter table refresh_tokens add constraint refresh_tokens_revoked_reason_check check (revoked_reason in ('logout', 'reuse_detected'))`);
    await q.query(`alter table refresh_tokens drop column session_expires_at`);
    await q.query(`alter table refresh_tokens drop column session_started_at`);
    await q.query(`drop table login_challenges`);
    await q.query(`drop table user_recovery_codes`);
    await q.query(`drop table user_totp`);
    await q.query(`drop table user_email_tokens`);
    await q.query(`alter table users drop column password_changed_at`);
    await q.query(`alter table users drop column email_verified_at`);
  }
}
