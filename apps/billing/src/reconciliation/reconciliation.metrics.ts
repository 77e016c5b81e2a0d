import { Metrics } from '@fpms/common/metrics/metrics';
import type { ReconciliationRunView } from '@fpms/contracts/rpc/billing-reconciliation.rpc';

/** What each reconciliation run found: drift by kind, repairs, what is left for a human. */
export function reconciliationMetrics(metrics: Metrics) {
  const runs = metrics.counter({
    name: 'fpms_reconciliation_runs_total',
    help: 'Reconciliation runs by status (completed, failed, skipped: another replica held the lock)',
    labelNames: ['status'] as const,
  });
  const drift = metrics.counter({
    name: 'fpms_reconciliation_drift_total',
    help: 'Drift found between Stripe and billing, by kind, summed over runs',
    labelNames: ['kind'] as const,
  });
  const repaired = metrics.counter({ name: 'fpms_reconciliation_repaired_total', help: 'Drift repaired by reconciliation runs' });
  const leftForHuman = metrics.counter({
    name: 'fpms_reconciliation_left_for_human_total',
    help: 'Findings reconciliation leaves for a human (amount mismatches, orphans, repairs that did not hold)',
  });
  const lastCompleted = metrics.gauge({
    name: 'fpms_reconciliation_last_completed_timestamp_seconds',
    help: 'When this replica last finished a completed reconciliation run (Unix time)',
  });
  return {
    record(run: ReconciliationRunView): void {
      runs.inc({ status: run.status });
      if (run.status !== 'completed') return;
      for (const [kind, tally] of Object.entries(run.drift ?? {})) drift.inc({ kind }, tally.count);
      repaired.inc(run.repaired);
      leftForHuman.inc(run.leftForHuman);
      lastCompleted.set(Date.parse(run.finishedAt ?? run.startedAt) / 1000);
    },
  };
}
