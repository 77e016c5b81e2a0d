import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

/**
 * In-app dispute decisions as billing carries them out (issue 13 item 2): one settlement per
 * dispute (its id the key, so a decision delivered twice moves money once), the refund part
 * as a refund row initiated by `dispute`, the release part as the order's `release_amount`
 * (a release of less than was charged; null: everything not refunded, as before).
 */
export class DisputeSettlements1734700100000 implements MigrationInterface {
  name = 'DisputeSettlements1734700100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table refunds drop constraint refunds_initiated_by_check`);
    await q.query(
      `alter table refunds add constraint refunds_initiated_by_check check (initiated_by in ('owner', 'request', 'auto', 'dispute'))`,
    );
    await q.query(`alter table orders add column release_amount bigint check (release_amount > 0)`);
    await q.query(`
      create table dispute_settlements (
        dispute_id uuid primary key,
        order_id uuid not null references orders (id),
        account_id uuid not null,
        workspace_id uuid not null,
        milestone_id uuid not null,
        outcome text not null check (outcome in ('release', 'refund', 'split')),
        release_amount bigint not null check (release_amount >= 0),
        refund_amount bigint not null check (refund_amount >= 0),
        status text not null check (status in ('applied', 'rejected')),
        reason text,
        refund_id uuid references refunds (id),
        source_event_id uuid not null,
        created_at timestamptz not null default now()
      )`);
    await q.query(`create index dispute_settlements_order on dispute_settlements (order_id)`);
    await enableTenantRls(q, 'dispute_settlements', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table dispute_settlements`);
    await q.query(`alter table orders drop column release_amount`);
    await q.query(`delete from refunds where initiated_by = 'dispute'`);
    await q.query(`alter table refunds drop constraint refunds_initiated_by_check`);
    await q.query(`alter table refunds add constraint refunds_initiated_by_check check (initiated_by in ('owner', 'request', 'auto'))`);
  }
}
