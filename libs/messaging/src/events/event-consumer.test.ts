import { z } from 'zod';
import { testAmqpUrl } from '@fpms/testing/env';
import { EventEnvelope } from '@fpms/contracts/events/event-envelope';
import { EventConsumer, EventConsumerOptions, EventHandler, PermanentEventError } from './event-consumer';
import { deadLetterQueueName } from './event-topology';
import {
  BrokerProbe,
  createEventsTestDb,
  EventsTestDb,
  handmadeEnvelope,
  recordApplied,
  sleep,
  TEST_ACCOUNT,
  waitFor,
  appliedCount,
} from './test-support/events-harness';

/**
 * The consumer against the real broker and database, fed by hand-published messages so
 * each test controls exactly what arrives (duplicates, poison, garbage).
 */
describe('EventConsumer (integration)', () => {
  let env: EventsTestDb;
  let broker: BrokerProbe;
  const consumers: EventConsumer[] = [];

  const appliedRows = (eventId: string) => appliedCount(env.dataSource, eventId);

  async function startConsumer(
    label: string,
    handler: EventHandler,
    extra: Pick<EventConsumerOptions, 'maxAttempts' | 'retryDelaysMs' | 'dataSchemaFor'> = {},
  ) {
    const queue = broker.consumerQueue(label);
    const consumer = new EventConsumer({
      dataSource: env.dataSource,
      amqpUrl: testAmqpUrl(),
      exchange: broker.exchange,
      queue,
      // Each test uses its own aggregate name so consumers never see each other's events.
      bindings: [`testsvc.${label}.*`],
      consumerName: label,
      handler,
      ...extra,
    });
    consumers.push(consumer);
    await consumer.start();
    await consumer.waitForConnect();
    return { consumer, queue, routingKey: `testsvc.${label}.happened` };
  }

  const publishEnvelope = (routingKey: string, envelope: EventEnvelope) =>
    broker.publish(routingKey, JSON.stringify(envelope), { messageId: envelope.id, contentType: 'application/json' });

  beforeAll(async () => {
    env = await createEventsTestDb('consumer');
    broker = await BrokerProbe.open();
  });

  afterAll(async () => {
    try {
      for (const c of consumers) await c.stop();
      await broker?.cleanup();
    } finally {
      await env?.close();
    }
  });

  it('applies a message delivered twice with the same messageId only once', async () => {
    let handlerRuns = 0;
    const { routingKey } = await startConsumer('dup', async (event, manager) => {
      handlerRuns++;
      // Slow enough that both copies are in flight together: the inbox must serialize them.
      await sleep(300);
      await recordApplied(manager, event, 'dup');
    });
    const dup = handmadeEnvelope({ type: routingKey });
    await publishEnvelope(routingKey, dup);
    await publishEnvelope(routingKey, dup);
    const marker = handmadeEnvelope({ type: routingKey });
    await publishEnvelope(routingKey, marker);

    await waitFor('marker applied', async () => (await appliedRows(marker.id)) === 1);
    await waitFor('both copies settled', async () => handlerRuns >= 2);
    await sleep(500);
    expect(await appliedRows(dup.id)).toBe(1);
    expect(handlerRuns).toBe(2); // dup once + marker once; the second copy never reached the handler
    const inbox = await env.dataSource.query(`select message_id from inbox_messages where consumer = 'dup' and message_id = $1`, [dup.id]);
    expect(inbox).toHaveLength(1);
  });

  it('retries a failing handler with delays and applies it once when it recovers', async () => {
    const seen: number[] = [];
    const { routingKey } = await startConsumer(
      'flaky',
      async (event, manager) => {
        seen.push(Date.now());
        await recordApplied(manager, event, 'flaky'); // rolled back with the failure below
        if (seen.length < 3) throw new Error(`transient failure ${seen.length}`);
      },
      { maxAttempts: 5, retryDelaysMs: [300, 600] },
    );
    const event = handmadeEnvelope({ type: routingKey });
    await publishEnvelope(routingKey, event);

    await waitFor('applied after retries', async () => (await appliedRows(event.id)) === 1, 15_000);
    await sleep(1000);
    expect(seen).toHaveLength(3);
    expect(await appliedRows(event.id)).toBe(1);
    // The delays come from the retry queues' TTLs (300 then 600 ms), not from busy looping.
    expect(seen[1] - seen[0]).toBeGreaterThanOrEqual(250);
    expect(seen[2] - seen[1]).toBeGreaterThanOrEqual(550);
  });

  it('dead-letters a handler that always throws after exactly N attempts without blocking later messages', async () => {
    const attempts = new Map<string, number>();
    const { queue, routingKey } = await startConsumer(
      'poison',
      async (event, manager) => {
        attempts.set(event.id, (attempts.get(event.id) ?? 0) + 1);
        if (event.aggregateId === 'poison') throw new Error('cannot handle this one');
        await recordApplied(manager, event, 'poison');
      },
      { maxAttempts: 3, retryDelaysMs: [1000, 1500] },
    );
    const dlq = deadLetterQueueName(queue);
    const poison = handmadeEnvelope({ type: routingKey, aggregateId: 'poison' });
    await publishEnvelope(routingKey, poison);
    const good = Array.from({ length: 20 }, () => handmadeEnvelope({ type: routingKey }));
    for (const e of good) await publishEnvelope(routingKey, e);

    const goodIds = good.map((e) => e.id);
    await waitFor('messages behind the poison applied', async () => (await appliedCount(env.dataSource, goodIds)) === 20);
    // All of them got through while the poison message was still waiting in a retry queue.
    expect(await broker.messageCount(dlq)).toBe(0);
    expect(attempts.get(poison.id)).toBeLessThan(3);

    await waitFor('poison in the DLQ', async () => (await broker.messageCount(dlq)) === 1, 15_000);
    await sleep(1000); // a fourth attempt would have happened by now if the bound leaked
    expect(attempts.get(poison.id)).toBe(3);
    const [dead] = await broker.drain(dlq);
    expect(dead.properties.messageId).toBe(poison.id);
    expect(dead.properties.headers?.['x-attempt']).toBe(3);
    expect(dead.properties.headers?.['x-dead-letter-reason']).toBe('max-attempts');
    expect(String(dead.properties.headers?.['x-last-error'])).toContain('cannot handle this one');
    expect(dead.properties.headers?.['x-original-routing-key']).toBe(routingKey);
    expect(JSON.parse(dead.content.toString())).toEqual(poison);
    expect(await appliedRows(poison.id)).toBe(0);
    for (const id of goodIds) expect(attempts.get(id)).toBe(1);
  });

  it("parses data with its type's schema: the handler gets the parsed data, an invalid payload or a type without a schema is dead-lettered", async () => {
    const seen: unknown[] = [];
    const schema = z.object({ note: z.string().min(1), count: z.number().int().default(1) });
    const { queue, routingKey } = await startConsumer(
      'payload',
      async (event, manager) => {
        seen.push(event.data);
        await recordApplied(manager, event, 'payload');
      },
      { dataSchemaFor: (type) => (type === 'testsvc.payload.happened' ? schema : undefined) },
    );
    const dlq = deadLetterQueueName(queue);
    const invalid = handmadeEnvelope({ type: routingKey, data: { note: 42 } });
    const unknownType = handmadeEnvelope({ type: 'testsvc.payload.unheard_of', data: { note: 'x' } });
    const valid = handmadeEnvelope({ type: routingKey, data: { note: 'fine' } });
    await publishEnvelope(routingKey, invalid);
    await publishEnvelope(unknownType.type, unknownType);
    await publishEnvelope(routingKey, valid);

    await waitFor('valid applied', async () => (await appliedRows(valid.id)) === 1);
    await waitFor('two in the DLQ', async () => (await broker.messageCount(dlq)) === 2);
    const dead = await broker.drain(dlq);
    const byId = new Map(dead.map((m) => [m.properties.messageId, m.properties.headers ?? {}]));
    expect(byId.get(invalid.id)?.['x-dead-letter-reason']).toBe('invalid-payload');
    expect(String(byId.get(invalid.id)?.['x-last-error'])).toMatch(/note/);
    expect(byId.get(unknownType.id)?.['x-dead-letter-reason']).toBe('invalid-payload');
    expect(String(byId.get(unknownType.id)?.['x-last-error'])).toMatch(/no data schema/);
    // Neither reached the handler, nor the inbox: a redelivery would be refused the same way.
    expect(seen).toEqual([{ note: 'fine', count: 1 }]);
    expect(await appliedRows(invalid.id)).toBe(0);
    const inbox = await env.dataSource.query(`select message_id from inbox_messages where message_id = any($1::uuid[])`, [
      [invalid.id, unknownType.id],
    ]);
    expect(inbox).toEqual([]);
  });

  it('sends invalid messages and permanent errors straight to the DLQ and keeps consuming', async () => {
    let calls = 0;
    const { queue, routingKey } = await startConsumer('invalid', async (event, manager) => {
      calls++;
      if (event.aggregateId === 'permanent') throw new PermanentEventError('contradicts stored state');
      await recordApplied(manager, event, 'invalid');
    });
    const dlq = deadLetterQueueName(queue);
    await broker.publish(routingKey, '{not json', { messageId: 'garbage-1' });
    await broker.publish(routingKey, JSON.stringify({ ...handmadeEnvelope({ type: routingKey }), tenant: { accountId: 'not-a-uuid' } }), {
      messageId: 'bad-schema',
    });
    const permanent = handmadeEnvelope({ type: routingKey, aggregateId: 'permanent' });
    await publishEnvelope(routingKey, permanent);
    const valid = handmadeEnvelope({ type: routingKey });
    await publishEnvelope(routingKey, valid);

    await waitFor('valid applied', async () => (await appliedRows(valid.id)) === 1);
    await waitFor('three in the DLQ', async () => (await broker.messageCount(dlq)) === 3);
    const dead = await broker.drain(dlq);
    const byId = new Map(dead.map((m) => [m.properties.messageId, m.properties.headers ?? {}]));
    expect(byId.get('garbage-1')?.['x-dead-letter-reason']).toBe('invalid-envelope');
    expect(String(byId.get('garbage-1')?.['x-last-error'])).toMatch(/invalid JSON/);
    expect(byId.get('bad-schema')?.['x-dead-letter-reason']).toBe('invalid-envelope');
    expect(String(byId.get('bad-schema')?.['x-last-error'])).toMatch(/tenant\.accountId/);
    expect(byId.get(permanent.id)?.['x-dead-letter-reason']).toBe('permanent-error');
    expect(byId.get(permanent.id)?.['x-attempt']).toBe(1);
    expect(calls).toBe(2); // the permanent one once, the valid one once; garbage never reached the handler
    const [applied] = await env.dataSource.query(`select tenant_seen from applied_events where event_id = $1`, [valid.id]);
    expect(applied.tenant_seen).toBe(TEST_ACCOUNT);
  });

  it('does not spend attempts while the database fails before the handler runs', async () => {
    let calls = 0;
    const { queue, routingKey } = await startConsumer(
      'dbdown',
      async (event, manager) => {
        calls++;
        await recordApplied(manager, event, 'dbdown');
      },
      // No retries at all: if the failure counted as an attempt, it would be dead-lettered at once.
      { maxAttempts: 1, retryDelaysMs: [] },
    );
    const dlq = deadLetterQueueName(queue);
    const event = handmadeEnvelope({ type: routingKey });
    // Every inbox insert fails while the table is away, like during a database outage.
    await env.dataSource.query(`alter table inbox_messages rename to inbox_messages_away`);
    try {
      await publishEnvelope(routingKey, event);
      await sleep(2500); // two or more requeue rounds
      expect(calls).toBe(0);
      expect(await broker.messageCount(dlq)).toBe(0);
    } finally {
      await env.dataSource.query(`alter table inbox_messages_away rename to inbox_messages`);
    }
    await waitFor('applied once the database is back', async () => (await appliedRows(event.id)) === 1, 10_000);
    expect(calls).toBe(1);
    expect(await broker.messageCount(dlq)).toBe(0);
  });

  it('stop() lets an in-flight handler commit and ack before closing', async () => {
    let started = false;
    const { consumer, queue, routingKey } = await startConsumer('stopping', async (event, manager) => {
      started = true;
      await sleep(800);
      await recordApplied(manager, event, 'stopping');
    });
    const event = handmadeEnvelope({ type: routingKey });
    await publishEnvelope(routingKey, event);
    await waitFor('handler started', async () => started);
    await consumer.stop();
    expect(consumer.isConnected()).toBe(false);
    expect(await appliedRows(event.id)).toBe(1);
    // Acked before the channel closed: nothing left to redeliver.
    expect(await broker.messageCount(queue)).toBe(0);
  });
});
