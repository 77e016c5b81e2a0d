import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Metrics } from '@fpms/common/metrics/metrics';
import { Clock } from '@fpms/common/scheduling/clock';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { errorSummary } from '@fpms/messaging/events/event-topology';
import type { WebhookSource } from './stripe-event-handler';
import { toReceivedEvent } from './stripe-event-shape';
import { StripeSignatureVerifier } from './stripe-signature-verifier';
import { CrossTenantWebhookEventsRepository } from './webhook-events.repository';
import { WebhookError } from './webhook.errors';
import { WebhookProcessor } from './webhook-processor';
import { webhookMetrics } from './webhook.metrics';

export interface IntakeAnswer {
  received: true;
  /** Stripe delivered this event before (its row was already there). */
  duplicate: boolean;
}

/**
 * The request path of a Stripe delivery: verify, store once, answer. Nothing is processed
 * here: the row is committed before the 2xx, and the processor takes it from there.
 */
@Injectable()
export class WebhookIntake {
  private readonly logger = new Logger(WebhookIntake.name);
  private readonly metrics: ReturnType<typeof webhookMetrics>;

  constructor(
    private readonly verifier: StripeSignatureVerifier,
    private readonly events: CrossTenantWebhookEventsRepository,
    private readonly processor: WebhookProcessor,
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    metrics: Metrics,
  ) {
    this.metrics = webhookMetrics(metrics);
  }

  async receive(source: WebhookSource, rawBody: Buffer | undefined, signature: string | string[] | undefined): Promise<IntakeAnswer> {
    let verified: ReturnType<StripeSignatureVerifier['verify']>;
    try {
      verified = this.verifier.verify(source, rawBody, signature);
    } catch (error) {
      this.metrics.received.inc({ source, result: 'rejected' });
      throw error;
    }
    const event = toReceivedEvent(verified, source);
    let inserted: boolean;
    try {
      inserted = await this.events.insertReceived(this.system, event, this.clock.now());
    } catch (error) {
      // Whatever went wrong, Stripe must retry: a 5xx it will, and 503 says "later", never "your fault".
      this.logger.warn(`stripe event ${event.id} could not be stored: ${errorSummary(error, 300)}`);
      this.metrics.received.inc({ source, result: 'store_failed' });
      throw WebhookError.storeUnavailable();
    }
    this.metrics.received.inc({ source, result: inserted ? 'stored' : 'duplicate' });
    if (inserted) this.processor.wake();
    return { received: true, duplicate: !inserted };
  }
}
