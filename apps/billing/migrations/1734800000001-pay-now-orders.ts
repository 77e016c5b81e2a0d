import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders get a kind: `escrow` (every existing order) or `pay_now` (a destination charge for an
 * on-approval milestone, paid after approval), and the pay-now charge's application fee id.
 */
export class PayNowOrders1734800000001 implements MigrationInterface {
  name = 'PayNowOrders1734800000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table orders add column kind text not null default 'escrow' check (kind in ('escrow', 'pay_now'))`);
    await q.query(`alter table orders add column application_fee_id text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table orders drop column application_fee_id`);
    await q.query(`alter table orders drop column kind`);
  }
}
