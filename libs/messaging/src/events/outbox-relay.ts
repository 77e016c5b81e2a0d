import { Logger } from '@nestjs/common';
import * as amqp from 'amqp-connection-manager';
import type { ConfirmChannel, Message } from 'amqplib';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Metrics } from '@fpms/common/metrics/metrics';
import { Tracing } from '@fpms/common/tracing/tracing';
import type { EventTopology } from '@fpms/contracts/events/event-topology';
import type { QueueType } from '../queue-type';
import {
  declareTopology,
  DEFAULT_EVENTS_EXCHANGE,
  errorSummary,
  EventHeaders,
  OUTBOX_NOTIFY_CHANNEL,
  topologyDeclarations,
} from './event-topology';
import { outboxMetrics } from './events.metrics';
import { OUTBOX_TABLE } from './messaging-tables.migration';
import { purgeSentOutbox } from './housekeeping';
import { backoffDelay, listenerClientConfig, Waker, withTimeout } from './relay-support';

export interface OutboxRelayOptions {
  /** Must see every tenant's outbox rows (the system / BYPASSRLS pool in services). */
  dataSource: DataSource;
  amqpUrl: string;
  exchange?: string;
  /** Rows claimed and published per transaction (default 100). */
  batchSize?: number;
  /** Fallback poll when no NOTIFY arrives (default 1000 ms). */
  pollIntervalMs?: number;
  /** How long to wait for the broker's confirms of a batch before rolling back (default 10 s). */
  publishTimeoutMs?: number;
  /** LISTEN for the outbox insert trigger to publish without waiting for the poll (default true). */
  listen?: boolean;
  /**
   * Declared (exchange, every consumer's queues and bindings) on every (re)connect before
   * anything is published, so no event is dropped for want of a queue. Without it only
   * the exchange is declared (library tests that bring their own queues).
   */
  topology?: EventTopology;
  /** The type of the topology's queues (default classic; see queue-type.ts). */
  queueType?: QueueType;
  /** Back-off before an event the broker returned as unroutable is tried again (default 5 s doubling to 5 min). */
  unroutableRetry?: { baseMs: number; maxMs: number };
  /** Where published counts and the backlog gauges go (default: nowhere scraped). */
  metrics?: Metrics;
}

interface OutboxRow {
  id: string;
  routing_key: string;
  payload: { occurredAt?: string };
  headers: Record<string, unknown> | null;
}

const BACKOFF_BASE_MS = 250;
const BACKOFF_MAX_MS = 10_000;
const LISTENER_RETRY_MS = 5_000;
/** Unroutable rows remembered for back-off; beyond this the oldest are simply retried sooner. */
const MAX_DEFERRED = 10_000;

/**
 * Publishes committed outbox rows to the events exchange, at least once and in `seq`
 * order per relay. Rows are claimed with FOR UPDATE SKIP LOCKED, so any number of relays
 * can share a database; a row is marked sent in the claiming transaction only after the
 * broker confirmed every message of the batch, so a crash or broker outage at any point
 * leads to a republish (consumers dedupe on the message id), never to a loss. Messages
 * are `mandatory`: one the broker returns (no queue bound for its routing key) is not
 * marked sent but logged as an error and retried with back-off, so an event is never
 * published into the void.
 *
 * Note `seq` is assigned at insert, not at commit: a transaction that commits late can
 * have its row published after a later-numbered one. Consumers order by aggregateVersion.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly dataSource: DataSource;
  private readonly exchange: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly publishTimeoutMs: number;
  private readonly listen: boolean;

  private connection?: amqp.AmqpConnectionManager;
  private channel?: amqp.ChannelWrapper;
  /** The raw channel whose setup (exchange declaration) completed; undefined while down. */
  private readyChannel?: ConfirmChannel;
  private reconnectScheduled = false;
  private running = false;
  private loop?: Promise<void>;
  private readonly waker = new Waker();
  private listener?: Client;
  private listenerRetry?: NodeJS.Timeout;
  private listenerConnecting?: Promise<void>;
  private readonly counters = { published: 0, failedBatches: 0, unroutable: 0 };
  private readonly unroutableRetry: { baseMs: number; maxMs: number };
  /** Message ids the broker returned (mandatory, no queue bound), collected per batch. */
  private readonly returned = new Set<string>();
  /** Unroutable rows waiting out their back-off: not claimed again before `until`. */
  private readonly deferred = new Map<string, { until: number; failures: number }>();
  private readonly metrics: ReturnType<typeof outboxMetrics>;

  constructor(private readonly options: OutboxRelayOptions) {
    this.metrics = outboxMetrics(options.metrics ?? Metrics.detached(), () => this.backlog());
    this.dataSource = options.dataSource;
    this.exchange = options.exchange ?? DEFAULT_EVENTS_EXCHANGE;
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
    this.listen = options.listen ?? true;
    this.unroutableRetry = options.unroutableRetry ?? { baseMs: 5_000, maxMs: 300_000 };
  }

  /** Starts in the background and returns at once: a broker that is down must not block app start-up. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.connection = amqp.connect([this.options.amqpUrl], { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1 });
    this.connection.on('disconnect', ({ err }) => this.logger.warn(`broker connection lost: ${err?.message ?? 'closed'}`));
    this.connection.on('connect', () => this.logger.log('broker connected'));
    this.channel = this.connection.createChannel({
      name: 'outbox-relay',
      confirm: true,
      json: false,
      publishTimeout: this.publishTimeoutMs,
      setup: (ch: ConfirmChannel) => this.setupChannel(ch),
    });
    // Without a listener an EventEmitter 'error' would throw and take the process down.
    this.channel.on('error', (err: Error) => this.logger.error(`relay channel setup failed: ${err.message}`));
    if (this.listen) this.listenerConnecting = this.connectListener();
    this.loop = this.runLoop();
  }

  /** Stops after the batch in flight is published and committed (or rolled back). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.waker.interrupt();
    await this.loop;
    await this.listenerConnecting;
    if (this.listenerRetry) clearTimeout(this.listenerRetry);
    this.listenerRetry = undefined;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.channel?.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
    this.readyChannel = undefined;
    this.channel = undefined;
    this.connection = undefined;
  }

  /** For readiness probes: connected to the broker with the exchange declared. */
  isConnected(): boolean {
    return !!this.connection?.isConnected() && !!this.readyChannel;
  }

  /** Rows this instance published and marked sent, batches that failed and were rolled back, returned (unroutable) publishes. */
  stats(): { published: number; failedBatches: number; unroutable: number } {
    return { ...this.counters };
  }

  /** Resolves once connected (for tests and start-up scripts); rejects after `timeoutMs`. */
  async waitForConnect(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.isConnected()) {
      if (Date.now() > deadline) throw new Error(`outbox relay not connected after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Deletes sent rows older than `olderThanMs`, in chunks so no single statement runs long. Returns the count. */
  async purgeSent(olderThanMs: number): Promise<number> {
    return purgeSentOutbox(this.dataSource, new Date(Date.now() - olderThanMs));
  }

  /** What waits to be published (one indexed count; read when Prometheus scrapes). */
  private async backlog(): Promise<{ rows: number; oldestAgeSeconds: number }> {
    const [row] = (await this.dataSource.query(
      `select count(*)::int as rows, coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as age
       from ${OUTBOX_TABLE} where sent_at is null`,
    )) as Array<{ rows: number; age: number }>;
    return { rows: row?.rows ?? 0, oldestAgeSeconds: row?.age ?? 0 };
  }

  private async setupChannel(ch: ConfirmChannel): Promise<void> {
    // A server-side channel error (e.g. someone redeclared the exchange as another type)
    // closes the channel, and amqp-connection-manager only reopens channels on a new
    // connection; force one so the relay heals instead of stalling forever.
    ch.on('error', (err: Error) => this.onChannelError(err));
    ch.on('close', () => {
      if (this.readyChannel === ch) this.readyChannel = undefined;
    });
    // With `mandatory`, a message no queue is bound for comes back as basic.return, which
    // the broker sends before its ack: by the time a confirm resolves, a return is known.
    ch.on('return', (msg: Message) => {
      const id = msg.properties.messageId as unknown;
      if (id !== undefined && id !== null) this.returned.add(String(id));
    });
    if (this.options.topology)
      await declareTopology(ch, topologyDeclarations({ ...this.options.topology, exchange: this.exchange }, this.options.queueType));
    else await ch.assertExchange(this.exchange, 'topic', { durable: true });
    this.readyChannel = ch;
    this.waker.wake();
  }

  private onChannelError(err: Error): void {
    this.logger.error(`relay channel closed by broker: ${err.message}`);
    if (!this.running || this.reconnectScheduled) return;
    this.reconnectScheduled = true;
    setTimeout(() => {
      this.reconnectScheduled = false;
      if (!this.running) return;
      try {
        this.connection?.reconnect();
      } catch {
        // closed meanwhile
      }
    }, 1000);
  }

  private async runLoop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      if (!this.readyChannel) {
        // Holding row locks while waiting for the broker would only block other relays.
        await this.waker.sleep(this.pollIntervalMs);
        continue;
      }
      let claimed: number;
      try {
        const batch = await this.relayBatch();
        claimed = batch.claimed;
        this.counters.published += batch.published;
        this.metrics.published.inc(batch.published);
        failures = 0;
      } catch (err) {
        failures++;
        this.counters.failedBatches++;
        this.metrics.failedBatches.inc();
        const delay = backoffDelay(failures, BACKOFF_BASE_MS, BACKOFF_MAX_MS);
        this.logger.warn(`outbox batch failed (${failures} in a row), retrying in ${delay} ms: ${errorSummary(err)}`);
        // Not interruptible by NOTIFY: new rows must not make a failing relay spin.
        await this.waker.sleep(delay, false);
        continue;
      }
      // A full batch means there is probably more: go again without sleeping.
      if (claimed < this.batchSize) await this.waker.sleep(this.pollIntervalMs);
    }
  }

  /** Claims, publishes and marks one batch. Returns how many rows were claimed and how many marked sent. */
  private async relayBatch(): Promise<{ claimed: number; published: number }> {
    const channel = this.channel;
    if (!channel) return { claimed: 0, published: 0 };
    const qr = this.dataSource.createQueryRunner();
    let ids: string[] = [];
    try {
      await qr.connect();
      await qr.startTransaction();
      this.waker.clear();
      const rows = (await qr.query(
        `select id, routing_key, payload, headers from ${OUTBOX_TABLE}
         where sent_at is null and not (id = any($2::uuid[])) order by seq limit $1 for update skip locked`,
        [this.batchSize, this.backingOff()],
      )) as OutboxRow[];
      if (rows.length === 0) {
        await qr.commitTransaction();
        return { claimed: 0, published: 0 };
      }
      ids = rows.map((r) => r.id);
      // Batches run one at a time per relay: any return seen from now on is for this batch.
      this.returned.clear();
      const confirms = Promise.all(rows.map((row) => this.publish(channel, row)));
      // The wrapper's own timeout does not cover a message it re-queued after a channel
      // close, so bound the whole batch here as well.
      await withTimeout(confirms, this.publishTimeoutMs + 1000, 'timed out waiting for broker confirms');
      const unroutable = rows.filter((r) => this.returned.has(r.id));
      const routed = rows.filter((r) => !this.returned.has(r.id)).map((r) => r.id);
      this.returned.clear();
      await qr.query(`update ${OUTBOX_TABLE} set sent_at = now(), attempts = attempts + 1, last_error = null where id = any($1::uuid[])`, [
        routed,
      ]);
      if (unroutable.length > 0) {
        // Confirmed but delivered to no queue: not sent. The row stays for a later try
        // (a binding may be added by a deploy) and says why for operators.
        await qr.query(
          `update ${OUTBOX_TABLE} set attempts = attempts + 1, last_error = 'unroutable: no queue is bound for ' || routing_key where id = any($1::uuid[])`,
          [unroutable.map((r) => r.id)],
        );
      }
      await qr.commitTransaction();
      for (const id of routed) this.deferred.delete(id);
      for (const row of unroutable) this.deferUnroutable(row);
      return { claimed: rows.length, published: routed.length };
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      if (ids.length > 0) await this.recordFailure(ids, err);
      throw err;
    } finally {
      await qr.release().catch(() => undefined);
    }
  }

  /** Ids of unroutable rows still inside their back-off window (excluded from claims). */
  private backingOff(): string[] {
    const now = Date.now();
    const out: string[] = [];
    for (const [id, d] of this.deferred) if (d.until > now) out.push(id);
    return out;
  }

  private deferUnroutable(row: OutboxRow): void {
    const failures = (this.deferred.get(row.id)?.failures ?? 0) + 1;
    const delay = backoffDelay(failures, this.unroutableRetry.baseMs, this.unroutableRetry.maxMs);
    this.deferred.delete(row.id);
    this.deferred.set(row.id, { until: Date.now() + delay, failures });
    if (this.deferred.size > MAX_DEFERRED) this.deferred.delete(this.deferred.keys().next().value as string);
    this.counters.unroutable++;
    this.metrics.unroutable.inc();
    this.logger.error(
      `event ${row.id} (${row.routing_key}) is unroutable: no queue is bound for it; kept unsent, retrying in ${delay} ms (attempt ${failures})`,
    );
  }

  /**
   * With tracing on, a producer span per row, child of the span that wrote it (the trace
   * context the row keeps); the message carries the publish span's context instead.
   */
  private publish(channel: amqp.ChannelWrapper, row: OutboxRow): Promise<boolean> {
    const headers: Record<string, unknown> = { ...(row.headers ?? {}) };
    const span = Tracing.startSpan(`${row.routing_key} publish`, {
      kind: 'producer',
      remoteParent: headers,
      attributes: {
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'send',
        'messaging.destination.name': this.exchange,
        'messaging.rabbitmq.destination.routing_key': row.routing_key,
        'messaging.message.id': row.id,
        'fpms.request_id': typeof headers[EventHeaders.RequestId] === 'string' ? (headers[EventHeaders.RequestId] as string) : undefined,
      },
    });
    if (!span) return this.send(channel, row, headers);
    span.inject(headers);
    const confirmed = this.send(channel, row, headers);
    confirmed.then(
      () => span.end(),
      (err: unknown) => span.end(err),
    );
    return confirmed;
  }

  private send(channel: amqp.ChannelWrapper, row: OutboxRow, headers: Record<string, unknown>): Promise<boolean> {
    const occurredAt = row.payload.occurredAt ? Date.parse(row.payload.occurredAt) : NaN;
    return channel.publish(this.exchange, row.routing_key, Buffer.from(JSON.stringify(row.payload)), {
      persistent: true,
      // Returned instead of silently dropped when no queue is bound (see setupChannel).
      mandatory: true,
      messageId: row.id,
      type: row.routing_key,
      contentType: 'application/json',
      timestamp: Number.isNaN(occurredAt) ? undefined : Math.floor(occurredAt / 1000),
      headers,
      timeout: this.publishTimeoutMs,
    });
  }

  /** Best effort, outside the rolled-back transaction, so operators can see stuck rows. */
  private async recordFailure(ids: string[], err: unknown): Promise<void> {
    try {
      await this.dataSource.query(
        `update ${OUTBOX_TABLE} set attempts = attempts + 1, last_error = $2 where id = any($1::uuid[]) and sent_at is null`,
        [ids, errorSummary(err)],
      );
    } catch (e) {
      this.logger.debug(`could not record outbox failure: ${errorSummary(e)}`);
    }
  }

  private async connectListener(): Promise<void> {
    const config = listenerClientConfig(this.dataSource, 'fpms-outbox-listener');
    if (!config || !this.running) return;
    const client = new Client(config);
    let dropped = false;
    const drop = (err?: unknown): void => {
      if (dropped) return;
      dropped = true;
      if (this.listener === client) this.listener = undefined;
      client.end().catch(() => undefined);
      if (!this.running) return;
      // Polling keeps the relay correct meanwhile; LISTEN only makes it faster.
      if (err) this.logger.warn(`outbox LISTEN connection lost, polling until it is back: ${errorSummary(err)}`);
      this.listenerRetry = setTimeout(() => {
        this.listenerRetry = undefined;
        this.listenerConnecting = this.connectListener();
      }, LISTENER_RETRY_MS);
    };
    client.on('notification', () => this.waker.wake());
    client.on('error', (err) => drop(err));
    client.on('end', () => drop());
    try {
      await client.connect();
      await client.query(`listen ${OUTBOX_NOTIFY_CHANNEL}`);
      if (!this.running) {
        drop();
        return;
      }
      this.listener = client;
      // Rows may have been committed while we were not listening.
      this.waker.wake();
    } catch (err) {
      drop(err);
    }
  }
}
