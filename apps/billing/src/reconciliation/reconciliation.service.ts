import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger as PinoLogger } from 'pino';
import { DataSource } from 'typeorm';
import {
  DRIFT_KINDS,
  DriftKind,
  DriftTally,
  ReconciliationFinding,
  ReconciliationRunView,
  ReconciliationTrigger,
} from '@fpms/contracts/rpc/billing-reconciliation.rpc';
import { Metrics } from '@fpms/common/metrics/metrics';
import { Clock } from '@fpms/common/scheduling/clock';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { errorSummary } from '@fpms/messaging/events/event-topology';
import { SERVICE_LOGGER } from '@fpms/messaging/rpc/service-logger';
import { LedgerRepository } from '../payments/ledger.repository';
import type { Order } from '../payments/order';
import { orderInvariantViolations } from '../payments/order-invariants';
import { WebhookProcessor } from '../webhooks/webhook-processor';
import { MissingStripeEvents, moneyOfEvent } from './missing-stripe-events';
import { ORDER_RECONCILERS, OrderDrift, OrderReconciler } from './order-reconciler';
import { ReconciliationLock } from './reconciliation-lock';
import { reconciliationMetrics } from './reconciliation.metrics';
import { CrossTenantReconciliationOrdersRepository } from './reconciliation-orders.repository';
import { CrossTenantReconciliationRunsRepository, RunOutcome } from './reconciliation-runs.repository';

export const RECONCILIATION_OPTIONS = Symbol('RECONCILIATION_OPTIONS');

export interface ReconciliationOptions {
  /** How far back the first run looks (later runs start where the last completed one started). Stripe keeps 30 days of events. */
  lookbackSeconds: number;
}

const MAX_FINDINGS = 200;

function emptyDrift(): Record<DriftKind, DriftTally> {
  return Object.fromEntries(DRIFT_KINDS.map((k) => [k, { count: 0, amounts: {} }])) as unknown as Record<DriftKind, DriftTally>;
}

function tally(drift: Record<DriftKind, DriftTally>, kind: DriftKind, amount: number, currency: string | null): void {
  drift[kind].count += 1;
  if (currency) drift[kind].amounts[currency] = (drift[kind].amounts[currency] ?? 0) + amount;
}

const driftKey = (d: Pick<OrderDrift, 'kind' | 'stripeObjectId'>) => `${d.kind}:${d.stripeObjectId}`;

/**
 * A reconciliation run: Stripe's state against ours, repaired through the paths that wrote it.
 * 1. Detect: Stripe's events since the window start that the webhook ledger lacks, and every
 *    order to audit checked by each object kind's reconciler.
 * 2. Repair: missing events are stored as the intake would and processed by the webhook
 *    processor (the same handlers, exactly once); orders still drifting afterwards get their
 *    reconciler's repair (the same handler or worker, idempotent); then each is checked again.
 * 3. Check every audited order's ledger invariants (payments/order-invariants.ts) after the
 *    repairs; a violation is reported as an amount mismatch, never "fixed".
 * 4. Record: what was found, repaired and left for a human (amount mismatches and orphans
 *    are never repaired), in `reconciliation_runs` and one structured log line.
 * One run at a time across replicas (advisory lock); a run that finds the lock held is recorded as skipped.
 */
@Injectable()
export class Reconciliation {
  private readonly metrics: ReturnType<typeof reconciliationMetrics>;

  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly lock: ReconciliationLock,
    private readonly runs: CrossTenantReconciliationRunsRepository,
    private readonly orders: CrossTenantReconciliationOrdersRepository,
    private readonly events: MissingStripeEvents,
    private readonly processor: WebhookProcessor,
    private readonly ledger: LedgerRepository,
    @Inject(ORDER_RECONCILERS) private readonly reconcilers: OrderReconciler[],
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SERVICE_LOGGER) private readonly logger: PinoLogger,
    @Inject(RECONCILIATION_OPTIONS) private readonly options: ReconciliationOptions,
    metrics: Metrics,
  ) {
    this.metrics = reconciliationMetrics(metrics);
  }

  async run(trigger: ReconciliationTrigger, requestedBy: string | null = null): Promise<ReconciliationRunView> {
    const run = await this.runOrSkip(trigger, requestedBy);
    this.metrics.record(run);
    return run;
  }

  private async runOrSkip(trigger: ReconciliationTrigger, requestedBy: string | null): Promise<ReconciliationRunView> {
    const outcome = await this.lock.withLock(() => this.runLocked(trigger, requestedBy));
    if (outcome) return outcome;
    const now = this.clock.now();
    const skipped = await systemTransaction(this.system, (m) =>
      this.runs.insert(m, { id: randomUUID(), trigger, status: 'skipped', windowStart: now, windowEnd: now, startedAt: now, requestedBy }),
    );
    this.logger.info({ reconciliation: skipped }, 'reconciliation skipped: another run holds the lock');
    return skipped;
  }

  private async runLocked(trigger: ReconciliationTrigger, requestedBy: string | null): Promise<ReconciliationRunView> {
    const startedAt = this.clock.now();
    const run = await systemTransaction(this.system, async (m) => {
      const last = await this.runs.lastCompletedStart(m);
      const windowStart = last ?? new Date(startedAt.getTime() - this.options.lookbackSeconds * 1000);
      return this.runs.insert(m, {
        id: randomUUID(),
        trigger,
        status: 'running',
        windowStart,
        windowEnd: startedAt,
        startedAt,
        requestedBy,
      });
    });
    let outcome: RunOutcome;
    try {
      outcome = await this.reconcile(new Date(run.windowStart));
    } catch (error) {
      outcome = {
        status: 'failed',
        finishedAt: this.clock.now(),
        ordersChecked: 0,
        eventsChecked: 0,
        drift: emptyDrift(),
        repaired: 0,
        leftForHuman: 0,
        findings: [],
        error: errorSummary(error, 500),
      };
    }
    const finished = await systemTransaction(this.system, (m) => this.runs.finish(m, run.id, outcome));
    // One line per run, the whole record in it (findings capped): what an operator greps for.
    if (finished.status === 'failed') this.logger.error({ reconciliation: finished }, 'reconciliation failed');
    else this.logger.info({ reconciliation: finished }, 'reconciliation run');
    return finished;
  }

  private async reconcile(windowStart: Date): Promise<RunOutcome> {
    const drift = emptyDrift();
    const findings: ReconciliationFinding[] = [];
    const leave = (f: ReconciliationFinding) => {
      if (findings.length < MAX_FINDINGS) findings.push(f);
    };
    let repaired = 0;
    let leftForHuman = 0;

    // 1. Detect.
    const { checked: eventsChecked, missing } = await this.events.find(windowStart);
    for (const event of missing) {
      const money = moneyOfEvent(event);
      tally(drift, 'missing_event', money?.amount ?? 0, money?.currency ?? null);
    }
    const audited = await systemTransaction(this.system, (m) => this.orders.toAudit(m, windowStart));
    const found = new Map<string, OrderDrift[]>();
    for (const order of audited) {
      const drifts = await this.check(order);
      if (drifts.length === 0) continue;
      found.set(order.id, drifts);
      for (const d of drifts) tally(drift, d.kind, d.amount, d.currency);
    }

    // 2. Repair: the missing events first (the processor applies them as any delivery)...
    if (missing.length > 0) {
      await this.events.store(missing);
      // Twice: a round already under way (which the first call joins) may have read its ids before these rows existed.
      await this.processor.drain();
      await this.processor.drain();
      const statuses = await this.events.statuses(missing.map((e) => e.id));
      for (const event of missing) {
        const status = statuses.get(event.id);
        if (status === 'processed' || status === 'ignored') repaired += 1;
        else {
          leftForHuman += 1;
          const money = moneyOfEvent(event);
          leave({
            kind: 'missing_event',
            orderId: null,
            stripeObjectId: event.id,
            amount: money?.amount ?? 0,
            currency: money?.currency ?? null,
            detail: `stored, but its processing is ${status ?? 'absent'} (retried by the processor)`,
          });
        }
      }
    }
    // ...then what still drifts gets its reconciler's repair, and is checked once more.
    for (const [orderId, drifts] of found) {
      let remaining = await this.recheck(orderId, drifts);
      for (const d of remaining) if (d.repair) await d.repair().catch(() => undefined);
      if (remaining.some((d) => d.repair)) remaining = await this.recheck(orderId, drifts);
      const left = new Set(remaining.map(driftKey));
      for (const d of drifts) {
        if (!left.has(driftKey(d))) {
          repaired += 1;
          continue;
        }
        leftForHuman += 1;
        leave({
          kind: d.kind,
          orderId: d.orderId,
          stripeObjectId: d.stripeObjectId,
          amount: d.amount,
          currency: d.currency,
          detail: d.detail,
        });
      }
    }

    // 3. The ledger invariants of every audited order, as it stands after the repairs: a
    // violation is money billing cannot account for — an amount mismatch, for a human.
    for (const order of audited) {
      const problems = await systemTransaction(this.system, async (m) => {
        const now = await this.orders.find(m, order.id);
        return now ? orderInvariantViolations(now, await this.ledger.listForOrder(m, now.id)) : [];
      });
      if (problems.length === 0) continue;
      tally(drift, 'amount_mismatch', 0, order.currency);
      leftForHuman += 1;
      leave({
        kind: 'amount_mismatch',
        orderId: order.id,
        stripeObjectId: order.chargeId ?? order.checkoutSessionId ?? order.id,
        amount: 0,
        currency: order.currency,
        detail: `ledger invariants: ${problems.join('; ')}`.slice(0, 1000),
      });
    }

    return {
      status: 'completed',
      finishedAt: this.clock.now(),
      ordersChecked: audited.length,
      eventsChecked,
      drift,
      repaired,
      leftForHuman,
      findings,
      error: null,
    };
  }

  private async check(order: Order): Promise<OrderDrift[]> {
    const drifts: OrderDrift[] = [];
    for (const reconciler of this.reconcilers) drifts.push(...(await reconciler.check(order)));
    return drifts;
  }

  /** The drifts of `original` that are still there now (with fresh repairs). */
  private async recheck(orderId: string, original: OrderDrift[]): Promise<OrderDrift[]> {
    const order = await systemTransaction(this.system, (m) => this.orders.find(m, orderId));
    if (!order) return original;
    const wanted = new Set(original.map(driftKey));
    return (await this.check(order)).filter((d) => wanted.has(driftKey(d)));
  }
}
