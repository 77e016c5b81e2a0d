import { Inject, Injectable } from '@nestjs/common';
import type { ReconciliationRunView } from '@fpms/contracts/rpc/billing-reconciliation.rpc';
import { ScheduledJob } from '@fpms/common/scheduling/scheduled-job';
import { Reconciliation } from './reconciliation.service';

export const RECONCILIATION_JOB_INTERVAL = Symbol('RECONCILIATION_JOB_INTERVAL');

/** The hourly reconciliation (RECONCILE_INTERVAL_MS; 0 disables it). Every replica schedules it; the advisory lock lets one run. */
@Injectable()
export class ReconciliationJob extends ScheduledJob<ReconciliationRunView> {
  constructor(
    private readonly reconciliation: Reconciliation,
    @Inject(RECONCILIATION_JOB_INTERVAL) intervalMs: number,
  ) {
    super(ReconciliationJob.name, intervalMs);
  }

  protected round(): Promise<ReconciliationRunView> {
    return this.reconciliation.run('schedule');
  }
}
