import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evidence submissions retried with backoff: how many attempts failed (the next one is
 * `evidence_submit_at`), and when billing gave up because Stripe's due date passed first
 * (flagged for a human; nothing is submitted late).
 */
export class ChargebackEvidenceRetries1734900000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table chargebacks add column evidence_attempts integer not null default 0 check (evidence_attempts >= 0)`);
    await q.query(`alter table chargebacks add column evidence_flagged_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table chargebacks drop column evidence_flagged_at`);
    await q.query(`alter table chargebacks drop column evidence_attempts`);
  }
}
