import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How each milestone is paid: `escrow` (funded before the work, the only mode until now, so
 * every existing row keeps it) or `on_approval` (the client pays after approving it).
 */
export class MilestoneBillingMode1734800000000 implements MigrationInterface {
  name = 'MilestoneBillingMode1734800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `alter table milestones add column billing_mode text not null default 'escrow' check (billing_mode in ('escrow', 'on_approval'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table milestones drop column billing_mode`);
  }
}
