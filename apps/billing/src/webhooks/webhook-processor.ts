import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Metrics } from '@fpms/common/metrics/metrics';
import { Clock } from '@fpms/common/scheduling/clock';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { errorSummary } from '@fpms/messaging/events/event-topology';
import { Waker } from '@fpms/messaging/events/relay-support';
import { DispatchOutcome, LAST_ERROR_MAX_LENGTH, StripeEventDispatcher } from './stripe-event-dispatcher';
import { CrossTenantWebhookEventsRepository } from './webhook-events.repository';
import { webhookBacklogMetrics, webhookMetrics } from './webhook.metrics';

export const WEBHOOK_PROCESSOR_OPTIONS = Symbol('WEBHOOK_PROCESSOR_OPTIONS');

export interface WebhookProcessorOptions {
  /** Poll for due events (failed ones coming due, rows another replica received); 0: only wake-ups. */
  pollMs: number;
  /** Events processed at once by this replica, each in its own transaction. */
  concurrency: number;
  /** Due ids read per round. */
  batchSize: number;
}

export type DrainResult = Record<DispatchOutcome | 'errors', number>;

// A sleep with no poll: effectively until the next wake-up.
const FOREVER_MS = 2 ** 31 - 1;

/**
 * Processes stored Stripe events after the intake answered: woken at once by the intake of
 * this replica, and by its poll for everything else (other replicas' rows, retries coming
 * due, rows left open by a crash). Each round reads due ids and dispatches them with
 * bounded concurrency; the row lock taken in each event's own transaction is the claim,
 * so replicas share the work without a committed "processing" state that could outlive a
 * crash. Shutdown stops claiming and waits for the events in flight.
 */
@Injectable()
export class WebhookProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookProcessor.name);
  private readonly waker = new Waker();
  private running = false;
  private loop?: Promise<void>;
  private round?: Promise<DrainResult>;
  private readonly metrics: ReturnType<typeof webhookMetrics>;

  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly dispatcher: StripeEventDispatcher,
    private readonly events: CrossTenantWebhookEventsRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(WEBHOOK_PROCESSOR_OPTIONS) private readonly options: WebhookProcessorOptions,
    metrics: Metrics,
  ) {
    this.metrics = webhookMetrics(metrics);
    webhookBacklogMetrics(metrics, () => this.events.backlog(this.system, this.clock.now()));
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.waker.interrupt();
    await this.loop;
  }

  /** Something was stored: process it now rather than at the next poll. */
  wake(): void {
    this.waker.wake();
  }

  /** Processes everything due now (tests; shares a round in progress). */
  drain(): Promise<DrainResult> {
    if (!this.round) this.round = this.drainDue().finally(() => (this.round = undefined));
    return this.round;
  }

  private async run(): Promise<void> {
    while (this.running) {
      // Wakes from now on announce rows this round may not see: they make the sleep below end at once.
      this.waker.clear();
      try {
        await this.drain();
      } catch (error) {
        this.logger.warn(`webhook processing round failed: ${errorSummary(error)}`);
      }
      if (!this.running) break;
      await this.waker.sleep(this.options.pollMs > 0 ? this.options.pollMs : FOREVER_MS);
    }
  }

  private async drainDue(): Promise<DrainResult> {
    const total: DrainResult = { processed: 0, ignored: 0, failed: 0, skipped: 0, errors: 0 };
    for (;;) {
      const ids = await systemTransaction(this.system, (m) => this.events.dueIds(m, this.clock.now(), this.options.batchSize));
      const before = total.processed + total.ignored + total.failed;
      await this.forEachConcurrently(ids, async (id) => {
        const outcome = await this.processOne(id);
        total[outcome]++;
        this.metrics.processed.inc({ outcome });
      });
      const done = total.processed + total.ignored + total.failed - before;
      // A short page is the end; a page whose rows all belonged to others would only repeat itself.
      if (ids.length < this.options.batchSize || done === 0 || !this.running) return total;
    }
  }

  private async processOne(id: string): Promise<DispatchOutcome | 'errors'> {
    try {
      return await systemTransaction(this.system, (m) => this.dispatcher.dispatch(m, id));
    } catch (error) {
      // The transaction itself was lost (connection killed, COMMIT refused): nothing of it
      // stayed. Record the attempt if the database lets us, so a failure that repeats backs off.
      this.logger.warn(`stripe event ${id}: processing transaction failed: ${errorSummary(error, 200)}`);
      await systemTransaction(this.system, (m) =>
        this.events.markFailedIfFree(m, id, {
          lastError: errorSummary(error, LAST_ERROR_MAX_LENGTH),
          backoff: (attempts) => this.dispatcher.backoff(attempts),
        }),
      ).catch(() => undefined);
      return 'errors';
    }
  }

  private async forEachConcurrently(ids: string[], work: (id: string) => Promise<unknown>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (this.running && next < ids.length) await work(ids[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, ids.length) }, worker));
  }
}
