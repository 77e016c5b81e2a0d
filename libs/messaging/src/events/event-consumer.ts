import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import * as amqp from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { DataSource } from 'typeorm';
import type { Logger as PinoLogger } from 'pino';
import type { z } from 'zod';
import { RequestContext } from '@fpms/common/logging/request-context';
import { Metrics } from '@fpms/common/metrics/metrics';
import { Tracing } from '@fpms/common/tracing/tracing';
import { EventEnvelope, eventEnvelopeSchema } from '@fpms/contracts/events/event-envelope';
import { setTenantContext } from '@fpms/database/tenant-context';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { writeQuery } from '@fpms/database/write-query';
import {
  attemptsFromHeaders,
  consumerDeclarations,
  declareTopology,
  DEFAULT_EVENTS_EXCHANGE,
  deadLetterQueueName,
  DeadLetterReason,
  errorSummary,
  EventHeaders,
  nextFailureStep,
  republishHeaders,
  resolveRetryPolicy,
  RetryPolicy,
  retryQueueName,
} from './event-topology';
import type { QueueType } from '../queue-type';
import { consumerMetrics } from './events.metrics';
import { INBOX_TABLE } from './messaging-tables.migration';
import { purgeInbox } from './housekeeping';
import { withTimeout } from './relay-support';

/** Runs inside the consumer's transaction, with the tenant set from the event. */
export type EventHandler = (event: EventEnvelope, manager: TenantManager) => Promise<void>;

/** Throw from a handler when retrying cannot help (e.g. the event contradicts stored state): straight to the DLQ. */
export class PermanentEventError extends Error {
  override name = 'PermanentEventError';
}

export interface EventConsumerOptions {
  /** Pool the handler's transaction runs on (the runtime role; the consumer sets the tenant). */
  dataSource: DataSource;
  amqpUrl: string;
  exchange?: string;
  /** Durable queue of this consuming service, e.g. `dashboard.events`. */
  queue: string;
  /** Topic patterns bound to the exchange, e.g. `billing.milestone.*`. */
  bindings: string[];
  /** Inbox dedupe scope: one name per logical consumer sharing a database. */
  consumerName: string;
  /** Unacked deliveries in flight (default 20). */
  prefetch?: number;
  /** Handler attempts before the DLQ, first delivery included (default retryDelaysMs.length + 1). */
  maxAttempts?: number;
  /** Delay before each retry (default 1 s, 5 s, 30 s, 2 min). */
  retryDelaysMs?: number[];
  handler: EventHandler;
  /**
   * The schema of each type's `data` (the platform's consumers: EVENT_DATA_SCHEMAS in
   * libs/contracts). Given, the consumer parses `data` with it before the handler sees the
   * event (the handler gets the parsed data); a type without a schema or data that fails
   * goes straight to the DLQ (`invalid-payload`: retrying cannot fix it).
   */
  dataSchemaFor?: (type: string) => z.ZodType | undefined;
  /** Confirm timeout for moving a message to a retry queue or the DLQ (default 10 s). */
  publishTimeoutMs?: number;
  /** How long start() waits for the broker before returning and retrying in the background (default 10 s). */
  connectTimeoutMs?: number;
  /** How long stop() waits for in-flight handlers (default 30 s). */
  stopTimeoutMs?: number;
  /** The type of the queues it declares (default classic; see queue-type.ts). */
  queueType?: QueueType;
  /** Where outcomes, lag, retries and queue depths go (default: nowhere scraped). */
  metrics?: Metrics;
  /**
   * The service's own logger, for the one `event handled` line per delivery (Nest's static
   * Logger is process-wide: tests run five services in one process). Default: Nest's.
   */
  log?: PinoLogger;
}

/** How one delivery ended, for its log line and span. */
interface Delivery {
  outcome: string;
  type?: string;
  eventId?: string;
  error?: unknown;
}

type Parsed = { ok: true; event: EventEnvelope } | { ok: false; error: string };

/** Pause before requeueing a message we failed to move, so a sick broker is not hammered. */
const REQUEUE_PAUSE_MS = 1_000;

/**
 * Consumes one service's event queue. Per message: validate, then in one transaction set
 * the tenant, insert into the inbox (a duplicate commits and is acked without running the
 * handler) and run the handler; ack only after commit. A failing message is moved to a
 * delay queue (or finally the DLQ) and acked only once the broker confirmed the copy, so
 * it never blocks the messages behind it and is never lost in between.
 */
export class EventConsumer {
  private readonly logger: Logger;
  private readonly exchange: string;
  private readonly prefetch: number;
  private readonly policy: RetryPolicy;
  private readonly publishTimeoutMs: number;
  private readonly dlq: string;

  private connection?: amqp.AmqpConnectionManager;
  private channel?: amqp.ChannelWrapper;
  /** The raw channel we consume on. Acks go to the channel that delivered, never another. */
  private active?: { ch: ConfirmChannel; consumerTag: string };
  private running = false;
  private stopping = false;
  private reconnectScheduled = false;
  private readonly inflight = new Set<Promise<void>>();
  private readonly metrics: ReturnType<typeof consumerMetrics>;

  constructor(private readonly options: EventConsumerOptions) {
    if (options.bindings.length === 0) throw new Error('EventConsumer needs at least one binding');
    this.logger = new Logger(`${EventConsumer.name}:${options.queue}`);
    this.exchange = options.exchange ?? DEFAULT_EVENTS_EXCHANGE;
    this.prefetch = options.prefetch ?? 20;
    this.policy = resolveRetryPolicy(options);
    this.publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
    this.dlq = deadLetterQueueName(options.queue);
    this.metrics = consumerMetrics(options.metrics ?? Metrics.detached(), () => this.depths(), options.queue);
  }

  /** Ready messages in the queue and its DLQ (two passive checks on the open channel; read when scraped). */
  private async depths(): Promise<{ queue: number; dlq: number }> {
    const channel = this.channel;
    if (!channel || !this.isConnected()) throw new Error('consumer is not connected');
    const [queue, dlq] = await Promise.all([channel.checkQueue(this.options.queue), channel.checkQueue(this.dlq)]);
    return { queue: queue.messageCount, dlq: dlq.messageCount };
  }

  private count(delivery: Delivery, event: { type: string } | undefined, outcome: string): void {
    delivery.outcome = outcome;
    this.metrics.handled.inc({ queue: this.options.queue, type: event?.type ?? 'unknown', outcome });
  }

  /**
   * Connects, declares the topology and starts consuming. Returns once consuming, or after
   * connectTimeoutMs with a warning (reconnection continues in the background) so a broker
   * outage does not block application start-up.
   */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.connection = amqp.connect([this.options.amqpUrl], { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1 });
    this.connection.on('disconnect', ({ err }) => this.logger.warn(`broker connection lost: ${err?.message ?? 'closed'}`));
    this.channel = this.connection.createChannel({
      name: `consumer:${this.options.queue}`,
      confirm: true,
      json: false,
      publishTimeout: this.publishTimeoutMs,
      setup: (ch: ConfirmChannel) => this.setupChannel(ch),
    });
    this.channel.on('error', (err: Error) => this.logger.error(`consumer channel setup failed: ${err.message}`));
    try {
      await this.waitForConnect(this.options.connectTimeoutMs ?? 10_000);
    } catch (err) {
      this.logger.warn(`${errorSummary(err)}; will keep retrying in the background`);
    }
  }

  /** Cancels the consumer, lets in-flight handlers finish (commit and ack), then closes. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    const active = this.active;
    if (active) {
      try {
        await active.ch.cancel(active.consumerTag);
      } catch {
        // channel already gone: nothing more will be delivered on it anyway
      }
    }
    const deadline = Date.now() + (this.options.stopTimeoutMs ?? 30_000);
    while (this.inflight.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.logger.warn(`stopping with ${this.inflight.size} handler(s) still running; their messages will be redelivered`);
        break;
      }
      await withTimeout(Promise.allSettled([...this.inflight]), left, 'stop timeout').catch(() => undefined);
    }
    await this.channel?.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
    this.active = undefined;
    this.channel = undefined;
    this.connection = undefined;
    this.running = false;
  }

  /** For readiness probes: connected and consuming. */
  isConnected(): boolean {
    return !!this.connection?.isConnected() && !!this.active;
  }

  async waitForConnect(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.isConnected()) {
      if (!this.running) throw new Error('event consumer is not running');
      if (Date.now() > deadline) throw new Error(`event consumer ${this.options.queue} not connected after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Deletes this consumer's inbox rows older than `olderThanMs`. Keep the retention far
   * longer than any redelivery can take (retry chain, DLQ replays): a purged id is no
   * longer recognized as a duplicate.
   */
  async purgeInbox(olderThanMs: number): Promise<number> {
    return purgeInbox(this.options.dataSource, new Date(Date.now() - olderThanMs), this.options.consumerName);
  }

  /** Runs on every (re)connect: declare everything we use, then consume. Idempotent. */
  private async setupChannel(ch: ConfirmChannel): Promise<void> {
    // Registered first: a broker-side channel error during setup must not go unheard.
    ch.on('error', (err: Error) => this.onChannelError(err));
    ch.on('close', () => {
      if (this.active?.ch === ch) this.active = undefined;
    });
    const { queue, bindings } = this.options;
    // The same declarations provisioning and the relays make (see event-topology.ts).
    await declareTopology(ch, consumerDeclarations(this.exchange, queue, bindings, this.policy, this.options.queueType));
    if (this.stopping) return;
    await ch.prefetch(this.prefetch);
    const { consumerTag } = await ch.consume(queue, (msg) => this.onDelivery(ch, msg), { noAck: false });
    this.active = { ch, consumerTag };
    this.logger.log(`consuming ${queue} (${bindings.join(', ')})`);
  }

  private onChannelError(err: Error): void {
    this.logger.error(`consumer channel closed by broker: ${err.message}`);
    this.scheduleReconnect();
  }

  /** amqp-connection-manager reopens channels only on a new connection, so force one. */
  private scheduleReconnect(): void {
    if (!this.running || this.stopping || this.reconnectScheduled) return;
    this.reconnectScheduled = true;
    setTimeout(() => {
      this.reconnectScheduled = false;
      if (!this.running || this.stopping) return;
      try {
        this.connection?.reconnect();
      } catch {
        // closed meanwhile
      }
    }, 1000);
  }

  private onDelivery(ch: ConfirmChannel, msg: ConsumeMessage | null): void {
    if (!msg) {
      // The broker cancelled us (queue deleted?): reconnecting re-declares and re-consumes.
      this.logger.warn('consumer cancelled by the broker');
      if (this.active?.ch === ch) this.active = undefined;
      this.scheduleReconnect();
      return;
    }
    const task: Promise<void> = this.process(ch, msg)
      .catch((err) => this.logger.error(`unexpected failure handling a message: ${errorSummary(err)}`))
      .finally(() => this.inflight.delete(task));
    this.inflight.add(task);
  }

  /**
   * Runs the delivery under the request id the event carries (the request, event or job
   * round whose transaction wrote it), so the handler's log lines and the events it writes
   * carry it on; with tracing on, inside a consumer span continuing the message's trace.
   * One `event handled` line per delivery says how it ended.
   */
  private async process(ch: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
    const parsed = parseEnvelope(msg.content);
    const headers = msg.properties.headers ?? {};
    // The envelope's id first (what the writer stamped); the header for a message whose body cannot be read.
    const header = headers[EventHeaders.RequestId] as unknown;
    const requestId = (parsed.ok ? parsed.event.requestId : undefined) || (typeof header === 'string' && header) || randomUUID();
    const delivery: Delivery = {
      outcome: 'unknown',
      type: parsed.ok ? parsed.event.type : undefined,
      eventId: parsed.ok ? parsed.event.id : (msg.properties.messageId as string | undefined),
    };
    const started = process.hrtime.bigint();
    await RequestContext.run({ requestId }, async () => {
      const span = Tracing.startSpan(`${delivery.type ?? msg.fields.routingKey} process`, {
        kind: 'consumer',
        remoteParent: headers,
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'process',
          'messaging.destination.name': this.options.queue,
          'messaging.consumer.group.name': this.options.consumerName,
          'messaging.rabbitmq.destination.routing_key': msg.fields.routingKey,
          'messaging.message.id': delivery.eventId,
          'fpms.request_id': requestId,
        },
      });
      try {
        await (span ? span.run(() => this.deliver(ch, msg, parsed, delivery)) : this.deliver(ch, msg, parsed, delivery));
      } finally {
        span?.setAttributes({ 'fpms.outcome': delivery.outcome });
        span?.end(delivery.error);
        this.logHandled(delivery, Number(process.hrtime.bigint() - started) / 1e6);
      }
    });
  }

  private logHandled(delivery: Delivery, ms: number): void {
    const fields = {
      queue: this.options.queue,
      type: delivery.type,
      eventId: delivery.eventId,
      outcome: delivery.outcome,
      ms: Math.round(ms * 10) / 10,
    };
    if (this.options.log) this.options.log.info(fields, 'event handled');
    else this.logger.log({ ...fields, msg: 'event handled' });
  }

  private async deliver(ch: ConfirmChannel, msg: ConsumeMessage, parsed: Parsed, delivery: Delivery): Promise<void> {
    const failedBefore = attemptsFromHeaders(msg.properties.headers);
    if (!parsed.ok) {
      // Retrying cannot fix a malformed message; keep it for inspection.
      this.logger.error(`invalid event ${msg.properties.messageId ?? '(no id)'} moved to ${this.dlq}: ${parsed.error}`);
      this.count(delivery, undefined, 'dead_lettered');
      this.metrics.deadLettered.inc({ queue: this.options.queue, reason: 'invalid-envelope' });
      await this.divert(ch, msg, this.dlq, {
        [EventHeaders.DeadLetterReason]: 'invalid-envelope' satisfies DeadLetterReason,
        [EventHeaders.LastError]: parsed.error,
        [EventHeaders.Attempt]: failedBefore,
      });
      return;
    }
    const payload = this.parseData(parsed.event);
    if (!payload.ok) {
      this.logger.error(`invalid ${parsed.event.type} ${parsed.event.id} moved to ${this.dlq}: ${payload.error}`);
      this.count(delivery, parsed.event, 'dead_lettered');
      this.metrics.deadLettered.inc({ queue: this.options.queue, reason: 'invalid-payload' });
      await this.divert(ch, msg, this.dlq, {
        [EventHeaders.DeadLetterReason]: 'invalid-payload' satisfies DeadLetterReason,
        [EventHeaders.LastError]: payload.error,
        [EventHeaders.Attempt]: failedBefore,
      });
      return;
    }
    const event = payload.event;
    const attempt = failedBefore + 1;
    let handlerStarted = false;
    try {
      const applied = await this.options.dataSource.transaction(async (tx) => {
        const manager = await setTenantContext(tx, event.tenant);
        // A concurrent duplicate blocks here on the other transaction's uncommitted key
        // and then sees the conflict, so two copies can never both run the handler.
        // Row count rather than RETURNING: the runtime role then needs INSERT only.
        const { affected } = await writeQuery(
          manager,
          `insert into ${INBOX_TABLE} (message_id, consumer) values ($1, $2) on conflict do nothing`,
          [event.id, this.options.consumerName],
        );
        if (!affected) return false;
        handlerStarted = true;
        await this.options.handler(event, manager);
        return true;
      });
      if (!applied) this.logger.debug(`duplicate ${event.type} ${event.id} skipped`);
      this.ack(ch, msg);
      this.count(delivery, event, applied ? 'applied' : 'duplicate');
      const occurred = Date.parse(event.occurredAt);
      if (applied && !Number.isNaN(occurred)) {
        this.metrics.lag.observe({ queue: this.options.queue }, Math.max(0, (Date.now() - occurred) / 1000));
      }
    } catch (err) {
      if (!handlerStarted) {
        // The database failed before the handler ran (outage, pool exhausted): not the
        // event's fault, so it must not burn its attempts and end up in the DLQ during
        // an outage. Requeue after a pause and try again as the same attempt.
        this.logger.warn(`${event.type} ${event.id} not processed, database unavailable? requeueing: ${errorSummary(err)}`);
        await new Promise((r) => setTimeout(r, REQUEUE_PAUSE_MS));
        this.nack(ch, msg);
        this.count(delivery, event, 'requeued');
        return;
      }
      delivery.error = err;
      await this.onHandlerFailure(delivery, ch, msg, event, attempt, err);
    }
  }

  /** `data` checked against its type's schema (when the consumer has schemas). */
  private parseData(event: EventEnvelope): Parsed {
    if (!this.options.dataSchemaFor) return { ok: true, event };
    const schema = this.options.dataSchemaFor(event.type);
    if (!schema) return { ok: false, error: `no data schema for event type ${event.type}` };
    const result = schema.safeParse(event.data);
    if (!result.success) {
      const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      return { ok: false, error: `invalid data: ${issues}`.slice(0, 1000) };
    }
    return { ok: true, event: { ...event, data: result.data } };
  }

  private async onHandlerFailure(
    delivery: Delivery,
    ch: ConfirmChannel,
    msg: ConsumeMessage,
    event: EventEnvelope,
    attempt: number,
    err: unknown,
  ): Promise<void> {
    const permanent = err instanceof PermanentEventError;
    const step = permanent ? ({ kind: 'dead-letter' } as const) : nextFailureStep(this.policy, attempt);
    const common = { [EventHeaders.Attempt]: attempt, [EventHeaders.LastError]: errorSummary(err) };
    if (step.kind === 'retry') {
      this.logger.warn(
        `${event.type} ${event.id} failed (attempt ${attempt}/${this.policy.maxAttempts}), retrying in ${step.delayMs} ms: ${errorSummary(err)}`,
      );
      await this.divert(ch, msg, retryQueueName(this.options.queue, step.queueIndex), common);
      this.count(delivery, event, 'retried');
      this.metrics.retries.inc({ queue: this.options.queue });
    } else {
      const reason: DeadLetterReason = permanent ? 'permanent-error' : 'max-attempts';
      this.count(delivery, event, 'dead_lettered');
      this.metrics.deadLettered.inc({ queue: this.options.queue, reason });
      this.logger.error(`${event.type} ${event.id} dead-lettered after attempt ${attempt} (${reason}): ${errorSummary(err)}`);
      await this.divert(ch, msg, this.dlq, { ...common, [EventHeaders.DeadLetterReason]: reason });
    }
  }

  /**
   * Copies the message (same body and messageId) to `target` on the confirm channel and
   * acks the original only after the broker confirmed the copy. If the copy fails, the
   * original is requeued: at worst the attempt repeats, it is never dropped.
   */
  private async divert(ch: ConfirmChannel, msg: ConsumeMessage, target: string, extraHeaders: Record<string, unknown>): Promise<void> {
    const props = msg.properties;
    const headers = republishHeaders(props.headers, {
      [EventHeaders.OriginalRoutingKey]: props.headers?.[EventHeaders.OriginalRoutingKey] ?? msg.fields.routingKey,
      [EventHeaders.Consumer]: this.options.consumerName,
      ...extraHeaders,
    });
    try {
      const channel = this.channel;
      if (!channel) throw new Error('consumer is closed');
      const confirmed = channel.sendToQueue(target, msg.content, {
        persistent: true,
        messageId: props.messageId,
        contentType: props.contentType,
        type: props.type,
        timestamp: props.timestamp,
        correlationId: props.correlationId,
        headers,
        timeout: this.publishTimeoutMs,
      });
      await withTimeout(confirmed, this.publishTimeoutMs + 1000, 'timed out waiting for broker confirm');
      this.ack(ch, msg);
    } catch (err) {
      this.logger.warn(`could not move ${props.messageId ?? 'message'} to ${target}, requeueing it: ${errorSummary(err)}`);
      await new Promise((r) => setTimeout(r, REQUEUE_PAUSE_MS));
      this.nack(ch, msg);
    }
  }

  private ack(ch: ConfirmChannel, msg: ConsumeMessage): void {
    try {
      ch.ack(msg);
    } catch {
      // The delivering channel is gone: the broker redelivers and the inbox dedupes.
      this.logger.debug(`ack of ${msg.properties.messageId} lost with its channel; it will be redelivered`);
    }
  }

  private nack(ch: ConfirmChannel, msg: ConsumeMessage): void {
    try {
      ch.nack(msg, false, true);
    } catch {
      // channel gone: the broker requeues unacked messages by itself
    }
  }
}

/** JSON + schema check; the error text ends up in the DLQ header for whoever investigates. */
export function parseEnvelope(content: Buffer): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch (err) {
    return { ok: false, error: `invalid JSON: ${errorSummary(err, 300)}` };
  }
  const result = eventEnvelopeSchema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { ok: false, error: `invalid envelope: ${issues}`.slice(0, 1000) };
  }
  return { ok: true, event: result.data as EventEnvelope };
}
