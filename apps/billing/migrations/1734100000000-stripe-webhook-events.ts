import { MigrationInterface, QueryRunner } from 'typeorm';
import { makeAppendOnly } from '@fpms/database/rls';

/**
 * The webhook ledger: every verified Stripe event, stored once under Stripe's own id before
 * the endpoint answers 2xx, then processed asynchronously. Events are cross-tenant by
 * nature (they arrive before we know whose they are), so the table has no tenant columns
 * and no RLS; only the system role reads and writes it (the runtime role's default grants
 * are revoked). `stripe_account_id` is Stripe's connected account (`acct_…`), not ours.
 *
 * Also billing's own admin audit: platform admins reading these events across tenants
 * leave an append-only row, as the workspace service's `admin_access_audit` does.
 */
export class CreateStripeWebhookEvents1734100000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table stripe_webhook_events (
        id text primary key check (length(id) between 1 and 255),
        source text not null check (source in ('platform', 'connect')),
        type text not null check (length(type) between 1 and 255),
        stripe_account_id text,
        stripe_created_at timestamptz not null,
        livemode boolean not null,
        payload jsonb not null,
        status text not null default 'received' check (status in ('received', 'processed', 'failed', 'ignored')),
        attempts integer not null default 0 check (attempts >= 0),
        last_error text,
        next_attempt_at timestamptz,
        received_at timestamptz not null,
        processed_at timestamptz,
        -- Done rows have a processed time and are never due; open rows are always due at some time.
        constraint stripe_webhook_events_done_check check (
          (status in ('processed', 'ignored')) = (processed_at is not null)
          and (status in ('received', 'failed')) = (next_attempt_at is not null))
      )`);
    // The processor's claim: open rows by due time. Partial, so it holds only the backlog.
    await q.query(
      `create index stripe_webhook_events_due_idx on stripe_webhook_events (next_attempt_at) where status in ('received', 'failed')`,
    );
    // The admin list: one status, newest first.
    await q.query(`create index stripe_webhook_events_status_idx on stripe_webhook_events (status, received_at desc, id)`);

    await q.query(`
      create table billing_admin_audit (
        id bigint generated always as identity primary key,
        admin_user_id uuid not null,
        reason text not null check (length(reason) between 10 and 500),
        action text not null,
        filter jsonb not null,
        resource_ids jsonb not null,
        request_id text,
        created_at timestamptz not null default now()
      )`);
    await makeAppendOnly(q, 'billing_admin_audit');
    await q.query(`
      do $$
      declare base text := regexp_replace(current_user, '_owner$', '');
      begin
        execute format('revoke all on stripe_webhook_events from %I', base || '_app');
        execute format('revoke all on billing_admin_audit from %I', base || '_app');
      end $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table billing_admin_audit`);
    await q.query(`drop table stripe_webhook_events`);
  }
}
