import { randomUUID } from 'node:crypto';
import * as amqplib from 'amqplib';
import { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { EventEnvelope, NewEvent } from '@fpms/contracts/events/event-envelope';
import { testAmqpUrl, uniqueName } from '@fpms/testing/env';
import { createScratchDatabase, ScratchDatabase } from '@fpms/testing/scratch-database';
import { CreateMessagingTables1732300000000 } from '../messaging-tables.migration';
import { deadLetterQueueName, retryQueueName } from '../event-topology';
import { OutboxWriter } from '../outbox-writer';

/**
 * Shared set-up for the events integration tests: a scratch database with the messaging
 * tables plus an `applied_events` table the test handlers write to, and a plain amqplib
 * connection to publish by hand, inspect queues and clean up what the test declared.
 */

/**
 * Deliberately no unique constraint: a double apply must show up as two rows, not be
 * hidden by a constraint violation (which would just look like a retry).
 */
const APPLIED_EVENTS_DDL = `
  create table applied_events (
    event_id uuid not null,
    consumer text not null,
    type text not null,
    aggregate_id text not null,
    tenant_seen text,
    applied_at timestamptz not null default clock_timestamp()
  )`;

export interface EventsTestDb {
  db: ScratchDatabase;
  dataSource: DataSource;
  close(): Promise<void>;
}

export async function createEventsTestDb(label: string, poolSize = 10): Promise<EventsTestDb> {
  const db = await createScratchDatabase(label);
  const dataSource = new DataSource({
    type: 'postgres',
    host: db.host,
    port: db.port,
    username: db.user,
    password: db.password,
    database: db.name,
    migrations: [CreateMessagingTables1732300000000],
    migrationsRun: true,
    extra: { max: poolSize },
  });
  try {
    await dataSource.initialize();
    await dataSource.query(APPLIED_EVENTS_DDL);
  } catch (err) {
    await dataSource.destroy().catch(() => undefined);
    await db.drop();
    throw err;
  }
  return {
    db,
    dataSource,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    },
  };
}

/** Handler body used by the tests: record the event, and the tenant the transaction saw. */
export async function recordApplied(manager: EntityManager, event: EventEnvelope, consumer: string): Promise<void> {
  await manager.query(
    `insert into applied_events (event_id, consumer, type, aggregate_id, tenant_seen)
     values ($1, $2, $3, $4, current_setting('app.account_id', true))`,
    [event.id, consumer, event.type, event.aggregateId],
  );
}

/** How many times the handler applied any of `eventIds` (a duplicate applied twice counts 2). */
export async function appliedCount(dataSource: DataSource, eventIds: string | string[]): Promise<number> {
  const ids = Array.isArray(eventIds) ? eventIds : [eventIds];
  const [row] = await dataSource.query(`select count(*)::int as n from applied_events where event_id = any($1)`, [ids]);
  return Number(row.n);
}

/** These tests publish made-up types (`testsvc.*`), so their writer takes any type with any data. */
export function testOutboxWriter(): OutboxWriter<Record<string, z.ZodType>> {
  return new OutboxWriter(() => z.unknown());
}

export const TEST_ACCOUNT = '7b0c6f5e-2a51-4a53-9d0e-6a1f7f6f0a01';

export function newTestEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    type: 'testsvc.widget.changed',
    tenant: { accountId: TEST_ACCOUNT },
    aggregateId: randomUUID(),
    aggregateVersion: 1,
    data: { note: 'hello' },
    ...overrides,
  };
}

/** A full envelope for publishing by hand, bypassing the outbox. */
export function handmadeEnvelope(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    id: randomUUID(),
    type: 'testsvc.widget.changed',
    tenant: { accountId: TEST_ACCOUNT },
    aggregateId: randomUUID(),
    aggregateVersion: 1,
    occurredAt: new Date().toISOString(),
    data: {},
    ...overrides,
  };
}

/** Polls `check` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Raw broker access for the tests; remembers every queue/exchange to delete in afterAll.
 * Reopens its connection on demand, since the disruptive test restarts the broker under it.
 */
export class BrokerProbe {
  readonly exchange = uniqueName('ex');
  private readonly queues = new Set<string>();
  private conn?: amqplib.ChannelModel;
  private ch?: amqplib.ConfirmChannel;

  static async open(): Promise<BrokerProbe> {
    const probe = new BrokerProbe();
    await probe.channel();
    return probe;
  }

  private async channel(): Promise<amqplib.ConfirmChannel> {
    if (this.ch) return this.ch;
    const conn = await amqplib.connect(testAmqpUrl());
    // A dropped connection just means "reopen next time"; unhandled 'error' would crash jest.
    conn.on('error', () => undefined);
    conn.on('close', () => {
      if (this.conn === conn) this.conn = this.ch = undefined;
    });
    const ch = await conn.createConfirmChannel();
    ch.on('error', () => undefined);
    ch.on('close', () => {
      if (this.ch === ch) this.ch = undefined;
    });
    this.conn = conn;
    this.ch = ch;
    return ch;
  }

  /** A unique consumer queue name; its retry queues and DLQ are cleaned up with it. */
  consumerQueue(label: string, retryQueues = 5): string {
    const q = uniqueName(label);
    this.queues.add(q);
    this.queues.add(deadLetterQueueName(q));
    for (let n = 1; n <= retryQueues; n++) this.queues.add(retryQueueName(q, n));
    return q;
  }

  /** A plain queue bound to the exchange that sees every published copy (no inbox in the way). */
  async tap(pattern = '#'): Promise<string> {
    const q = uniqueName('tap');
    this.queues.add(q);
    const ch = await this.channel();
    await ch.assertExchange(this.exchange, 'topic', { durable: true });
    await ch.assertQueue(q, { durable: false });
    await ch.bindQueue(q, this.exchange, pattern);
    return q;
  }

  async publish(routingKey: string, body: Buffer | string, options: amqplib.Options.Publish = {}): Promise<void> {
    const ch = await this.channel();
    ch.publish(this.exchange, routingKey, Buffer.isBuffer(body) ? body : Buffer.from(body), { persistent: true, ...options });
    await ch.waitForConfirms();
  }

  async messageCount(queue: string): Promise<number> {
    return (await (await this.channel()).checkQueue(queue)).messageCount;
  }

  /** Takes every message currently in `queue` (acking them). */
  async drain(queue: string): Promise<amqplib.GetMessage[]> {
    const ch = await this.channel();
    const out: amqplib.GetMessage[] = [];
    for (;;) {
      const msg = await ch.get(queue, { noAck: true });
      if (!msg) return out;
      out.push(msg);
    }
  }

  /** Deletes what the test declared; throws (failing afterAll) rather than silently leaking. */
  async cleanup(): Promise<void> {
    try {
      // Deleting a queue that does not exist is a no-op in RabbitMQ, so this is safe to repeat.
      for (const q of this.queues) await (await this.channel()).deleteQueue(q);
      await (await this.channel()).deleteExchange(this.exchange);
    } finally {
      await this.conn?.close().catch(() => undefined);
    }
  }
}
