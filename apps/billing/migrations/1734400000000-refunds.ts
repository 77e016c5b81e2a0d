import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * Refunds (one row per refund, its id the Stripe idempotency key) and the client's refund
 * requests (one open at a time per milestone, accepted automatically at `due_at`).
 */
export class Refunds1734400000000 implements MigrationInterface {
  name = 'Refunds1734400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table refunds (
        id uuid primary key,
        order_id uuid not null references orders (id),
        account_id uuid not null,
        workspace_id uuid not null,
        milestone_id uuid not null,
        amount bigint not null check (amount > 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        status text not null default 'pending' check (status in ('pending', 'succeeded')),
        initiated_by text not null check (initiated_by in ('owner', 'request', 'auto')),
        initiated_by_user uuid,
        refund_request_id uuid,
        reason text,
        after_release boolean,
        reversal_amount bigint check (reversal_amount >= 0),
        stripe_reversal_id text,
        stripe_refund_id text unique,
        attempts integer not null default 0,
        next_attempt_at timestamptz,
        last_error text,
        created_at timestamptz not null default now(),
        completed_at timestamptz
      )`);
    await q.query(`create index refunds_order on refunds (order_id, created_at)`);
    await q.query(`create index refunds_due on refunds (next_attempt_at) where status = 'pending'`);
    await enableTenantRls(q, 'refunds', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table refund_requests (
        id uuid primary key,
        order_id uuid not null references orders (id),
        account_id uuid not null,
        workspace_id uuid not null,
        milestone_id uuid not null,
        status text not null default 'open' check (status in ('open', 'accepted', 'contested', 'settled')),
        requested_by uuid,
        requested_at timestamptz not null,
        due_at timestamptz not null,
        decided_at timestamptz,
        decided_by text,
        note text,
        refund_id uuid references refunds (id),
        source_event_id uuid unique
      )`);
    await q.query(`create unique index refund_requests_one_open on refund_requests (milestone_id) where status = 'open'`);
    await q.query(`create index refund_requests_due on refund_requests (due_at) where status = 'open'`);
    await enableTenantRls(q, 'refund_requests', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table refund_requests`);
    await q.query(`drop table refunds`);
  }
}
