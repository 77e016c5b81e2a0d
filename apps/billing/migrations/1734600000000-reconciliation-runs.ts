import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per reconciliation run (hourly, `npm run billing:reconcile`, or an admin's request):
 * the window audited, what was checked, the drift found by kind with the amounts involved,
 * what was repaired and what is left for a human. A run another replica already held is
 * recorded as `skipped`. Cross-tenant by nature (system role only, like the webhook ledger).
 */
export class ReconciliationRuns1734600000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table reconciliation_runs (
        id uuid primary key,
        trigger text not null check (trigger in ('schedule', 'cli', 'admin')),
        status text not null check (status in ('running', 'completed', 'skipped', 'failed')),
        window_start timestamptz not null,
        window_end timestamptz not null,
        started_at timestamptz not null,
        finished_at timestamptz,
        orders_checked integer not null default 0,
        events_checked integer not null default 0,
        -- { missing_event: { count, amounts: { EUR: 1234 } }, state_mismatch: …, amount_mismatch: …, orphan_stripe_object: … }
        drift jsonb not null default '{}',
        repaired integer not null default 0,
        left_for_human integer not null default 0,
        -- What a human should look at (amount mismatches, orphans, repairs that did not take), capped.
        findings jsonb not null default '[]',
        error text,
        requested_by uuid
      )`);
    await q.query(`create index reconciliation_runs_started_idx on reconciliation_runs (started_at desc)`);
    await q.query(`
      do $$
      declare base text := regexp_replace(current_user, '_owner$', '');
      begin
        execute format('revoke all on reconciliation_runs from %I', base || '_app');
      end $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table reconciliation_runs`);
  }
}
