import { Injectable } from '@nestjs/common';
import {
  DRIFT_KINDS,
  type DriftKind,
  type DriftTally,
  type ReconciliationFinding,
  type ReconciliationRunView,
  type ReconciliationTrigger,
} from '@fpms/contracts/rpc/billing-reconciliation.rpc';
import type { SystemManager } from '@fpms/database/tenant-manager';

/** What a finished run records: the view's counts, with the run's end as a Date. */
export type RunOutcome = Pick<
  ReconciliationRunView,
  'ordersChecked' | 'eventsChecked' | 'drift' | 'repaired' | 'leftForHuman' | 'findings' | 'error'
> & { status: 'completed' | 'failed'; finishedAt: Date };

const iso = (value: Date | string | null) => (value ? new Date(value).toISOString() : null);

/** Every kind, zero where the row has none: a skipped or running run's row holds `{}`, and the view promises each kind. */
const everyKind = (stored: Partial<Record<DriftKind, DriftTally>>): Record<DriftKind, DriftTally> =>
  Object.fromEntries(DRIFT_KINDS.map((kind) => [kind, stored[kind] ?? { count: 0, amounts: {} }])) as Record<DriftKind, DriftTally>;

function toView(r: Record<string, unknown>): ReconciliationRunView {
  return {
    id: r.id as string,
    trigger: r.trigger as ReconciliationTrigger,
    status: r.status as ReconciliationRunView['status'],
    windowStart: iso(r.window_start as Date)!,
    windowEnd: iso(r.window_end as Date)!,
    startedAt: iso(r.started_at as Date)!,
    finishedAt: iso(r.finished_at as Date | null),
    ordersChecked: Number(r.orders_checked),
    eventsChecked: Number(r.events_checked),
    drift: everyKind((r.drift ?? {}) as Partial<Record<DriftKind, DriftTally>>),
    repaired: Number(r.repaired),
    leftForHuman: Number(r.left_for_human),
    findings: r.findings as ReconciliationFinding[],
    error: (r.error as string) ?? null,
  };
}

/** `reconciliation_runs` (system role only: runs span every tenant). */
@Injectable()
export class CrossTenantReconciliationRunsRepository {
  /** Where the next window starts: the last completed run's start (windows overlap, repairs are idempotent), or null. */
  async lastCompletedStart(manager: SystemManager): Promise<Date | null> {
    const [row]: Array<{ started_at: Date }> = await manager.query(
      `select started_at from reconciliation_runs where status = 'completed' order by started_at desc limit 1`,
    );
    return row ? new Date(row.started_at) : null;
  }

  async insert(
    manager: SystemManager,
    run: {
      id: string;
      trigger: ReconciliationTrigger;
      status: 'running' | 'skipped';
      windowStart: Date;
      windowEnd: Date;
      startedAt: Date;
      requestedBy: string | null;
    },
  ): Promise<ReconciliationRunView> {
    const [row]: Array<Record<string, unknown>> = await manager.query(
      `insert into reconciliation_runs (id, trigger, status, window_start, window_end, started_at, finished_at, requested_by)
       values ($1, $2, $3, $4, $5, $6, case when $3 = 'skipped' then $6::timestamptz end, $7) returning *`,
      [run.id, run.trigger, run.status, run.windowStart, run.windowEnd, run.startedAt, run.requestedBy],
    );
    return toView(row);
  }

  async finish(manager: SystemManager, id: string, outcome: RunOutcome): Promise<ReconciliationRunView> {
    // (TypeORM answers an UPDATE … RETURNING as [rows, affected].)
    const [[row]]: [Array<Record<string, unknown>>, number] = await manager.query(
      `update reconciliation_runs set status = $2, finished_at = $3, orders_checked = $4, events_checked = $5, drift = $6,
              repaired = $7, left_for_human = $8, findings = $9, error = $10
        where id = $1 returning *`,
      [
        id,
        outcome.status,
        outcome.finishedAt,
        outcome.ordersChecked,
        outcome.eventsChecked,
        JSON.stringify(outcome.drift),
        outcome.repaired,
        outcome.leftForHuman,
        JSON.stringify(outcome.findings),
        outcome.error,
      ],
    );
    return toView(row);
  }
}
