import { Inject, Logger, Optional } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { Metrics } from '../metrics/metrics';
import { ScheduledJob } from './scheduled-job';

/** A round's tally: how many claims ended in each outcome (`skipped` includes failures). */
export type ClaimRound<O extends string> = Record<O | 'skipped', number>;

/**
 * The shape every due-work poller shares (review timers, dispute deadlines, approval gates):
 * claim a batch of due rows across tenants under leases (FOR UPDATE SKIP LOCKED, in a
 * transaction of its own), handle each in its tenant's transaction where it is re-checked,
 * and go on while whole batches come back. A claim that throws is logged and counted as
 * skipped; its lease expires and a later round retries it, so one bad row stops nothing.
 */
export abstract class LeasedClaimsJob<C, O extends string> extends ScheduledJob<ClaimRound<O>> {
  private readonly log: Logger;
  private readonly jobName: string;
  /** Property-injected, so that subclasses keep their own constructors; absent when built by hand (unit tests). */
  @Optional() @Inject(Metrics) private readonly metrics?: Metrics;
  private dueCounter?: Counter<'poller' | 'outcome'>;

  protected constructor(
    name: string,
    intervalMs: number,
    private readonly batchSize: number,
    private readonly outcomes: readonly O[],
  ) {
    super(name, intervalMs);
    this.log = new Logger(name);
    this.jobName = name;
  }

  /** Declared at start-up, so the series exists (and alerts can read it) before the first timer is due. */
  override onApplicationBootstrap(): void {
    this.dueTimers();
    super.onApplicationBootstrap();
  }

  private dueTimers(): Counter<'poller' | 'outcome'> | undefined {
    if (!this.metrics) return undefined;
    return (this.dueCounter ??= this.metrics.counter({
      name: 'fpms_timers_due_total',
      help: 'Due timers claimed by the pollers (review timers, dispute deadlines, approval gates), by poller and outcome',
      labelNames: ['poller', 'outcome'] as const,
    }));
  }

  private countDue(outcome: string): void {
    this.dueTimers()?.inc({ poller: this.jobName, outcome });
  }

  /** Leases up to `limit` due claims (by the injected clock). */
  protected abstract claim(limit: number): Promise<C[]>;
  protected abstract handle(claim: C): Promise<O | 'skipped'>;
  /** How a failure names the claim in the log. */
  protected abstract describe(claim: C): string;

  protected async round(): Promise<ClaimRound<O>> {
    const total = Object.fromEntries([...this.outcomes, 'skipped'].map((o) => [o, 0])) as ClaimRound<O>;
    for (;;) {
      const claimed = await this.claim(this.batchSize);
      for (const claim of claimed) {
        let outcome: O | 'skipped' | 'failed';
        try {
          outcome = await this.handle(claim);
          total[outcome]++;
        } catch (error) {
          this.log.error(`${this.describe(claim)} failed: ${(error as Error).message}`);
          total.skipped++;
          outcome = 'failed';
        }
        this.countDue(outcome);
      }
      if (claimed.length < this.batchSize) return total;
    }
  }
}
