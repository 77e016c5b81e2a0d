import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '@fpms/common/scheduling/clock';
import { errorSummary } from '@fpms/messaging/events/event-topology';
import type { SystemManager } from '@fpms/database/tenant-manager';
import { STRIPE_EVENT_HANDLERS, StripeEventHandler } from './stripe-event-handler';
import { CrossTenantWebhookEventsRepository, DueWebhookEvent } from './webhook-events.repository';
import { nextAttemptAt, WebhookRetryPolicy } from './webhook-retry';

export const WEBHOOK_RETRY_POLICY = Symbol('WEBHOOK_RETRY_POLICY');

export type DispatchOutcome = 'processed' | 'ignored' | 'failed' | 'skipped';

/** What a failure leaves in `last_error`: the error's name and message, short. Never the payload. */
export const LAST_ERROR_MAX_LENGTH = 500;

const SAVEPOINT = 'stripe_event_handlers';

/**
 * Applies one stored event inside the caller's transaction (system pool): lock the row
 * (SKIP LOCKED: another worker or replica has it), run every handler that takes its type,
 * mark it processed — so the handlers' writes and the mark commit together or not at all.
 * A handler that throws is rolled back to a savepoint taken after the lock, and the failure
 * is recorded in the same transaction, still under the lock, so no other worker runs the
 * event between the failure and its record.
 */
@Injectable()
export class StripeEventDispatcher {
  private readonly logger = new Logger(StripeEventDispatcher.name);

  constructor(
    @Inject(STRIPE_EVENT_HANDLERS) private readonly handlers: StripeEventHandler[],
    private readonly events: CrossTenantWebhookEventsRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(WEBHOOK_RETRY_POLICY) private readonly retry: WebhookRetryPolicy,
  ) {}

  handlersFor(type: string): StripeEventHandler[] {
    return this.handlers.filter((h) => h.eventTypes.includes(type) || h.eventTypes.includes('*'));
  }

  async dispatch(manager: SystemManager, id: string): Promise<DispatchOutcome> {
    const event = await this.events.lockDue(manager, id, this.clock.now());
    if (!event) return 'skipped';
    const handlers = this.handlersFor(event.type);
    if (handlers.length === 0) {
      // Unknown to every feature: stored and acknowledged, and done.
      await this.events.markDone(manager, id, 'ignored', this.clock.now());
      return 'ignored';
    }
    await manager.query(`savepoint ${SAVEPOINT}`);
    try {
      // (No RELEASE: the commit releases the savepoint; one round trip less per event.)
      for (const handler of handlers) await handler.handle(event.payload, { manager, source: event.source });
    } catch (error) {
      // If the connection itself is gone this throws too, and the whole transaction is lost:
      // the row was never marked, so it is open again (the processor records the attempt if it can).
      await manager.query(`rollback to savepoint ${SAVEPOINT}`);
      await this.events.markFailed(manager, id, {
        lastError: errorSummary(error, LAST_ERROR_MAX_LENGTH),
        nextAttemptAt: this.retryAt(event),
      });
      this.logger.warn(`stripe event ${id} (${event.type}) failed, attempt ${event.attempts + 1}: ${errorSummary(error, 200)}`);
      return 'failed';
    }
    await this.events.markDone(manager, id, 'processed', this.clock.now());
    return 'processed';
  }

  /** When an event that failed (now `attempts` times) is due again. */
  backoff(attempts: number): Date {
    return nextAttemptAt(this.clock.now(), attempts, this.retry);
  }

  private retryAt(event: DueWebhookEvent): Date {
    return this.backoff(event.attempts + 1);
  }
}
