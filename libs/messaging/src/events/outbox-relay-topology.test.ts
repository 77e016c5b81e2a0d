import { Logger } from '@nestjs/common';
import { EventTopology } from '@fpms/contracts/events/event-topology';
import { testAmqpUrl } from '@fpms/testing/env';
import { EventConsumer } from './event-consumer';
import { OutboxRelay } from './outbox-relay';
import {
  BrokerProbe,
  createEventsTestDb,
  EventsTestDb,
  newTestEvent,
  testOutboxWriter,
  recordApplied,
  waitFor,
  appliedCount,
} from './test-support/events-harness';

/**
 * The relay declares the whole topology before it publishes, and publishes `mandatory`:
 * an event is queued for a consumer that has never run, and an event nobody binds is
 * neither dropped nor marked sent. Real PostgreSQL and RabbitMQ.
 */
describe('OutboxRelay with a declared topology (integration)', () => {
  const writer = testOutboxWriter();
  let env: EventsTestDb;
  let broker: BrokerProbe;
  let topology: EventTopology;
  let relay: OutboxRelay | undefined;
  let consumer: EventConsumer | undefined;

  const outboxRow = async (id: string) =>
    (await env.dataSource.query(`select sent_at, attempts, last_error from outbox_messages where id = $1`, [id]))[0] as
      { sent_at: Date | null; attempts: number; last_error: string | null } | undefined;
  const applied = (eventId: string) => appliedCount(env.dataSource, eventId);

  beforeAll(async () => {
    env = await createEventsTestDb('relaytopo');
    broker = await BrokerProbe.open();
    topology = {
      exchange: broker.exchange,
      consumers: { late: { queue: broker.consumerQueue('late_q', 2), bindings: ['testsvc.widget.*'], retryDelaysMs: [200, 400] } },
    };
    relay = new OutboxRelay({
      dataSource: env.dataSource,
      amqpUrl: testAmqpUrl(),
      exchange: broker.exchange,
      topology,
      pollIntervalMs: 100,
      unroutableRetry: { baseMs: 200, maxMs: 800 },
    });
    await relay.start();
    await relay.waitForConnect();
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    try {
      await consumer?.stop();
      await relay?.stop();
      await broker?.cleanup();
    } finally {
      await env?.close();
    }
  });

  it('delivers an event published before its consumer ever started, once the consumer starts', async () => {
    const envelope = await env.dataSource.transaction((m) => writer.add(m, newTestEvent({ type: 'testsvc.widget.changed' })));
    // Sent (the broker confirmed it and routed it to the declared queue) with no consumer running.
    await waitFor('row sent', async () => (await outboxRow(envelope.id))?.sent_at);
    expect(await broker.messageCount(topology.consumers.late.queue)).toBe(1);

    const def = topology.consumers.late;
    consumer = new EventConsumer({
      dataSource: env.dataSource,
      amqpUrl: testAmqpUrl(),
      exchange: topology.exchange,
      queue: def.queue,
      bindings: [...def.bindings],
      retryDelaysMs: [...def.retryDelaysMs],
      consumerName: 'late',
      handler: (event, manager) => recordApplied(manager, event, 'late'),
    });
    await consumer.start();
    await waitFor('late consumer applied the early event', async () => (await applied(envelope.id)) === 1);
  });

  it('keeps an event no queue is bound for unsent, logs it as an error, and publishes it once a queue is bound', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error');
    const [orphan, routed] = await env.dataSource.transaction((m) =>
      writer.addMany(m, [newTestEvent({ type: 'nobody.binds.this' }), newTestEvent({ type: 'testsvc.widget.changed' })]),
    );

    // The routable event of the same batch goes through; the other is returned, not sent.
    await waitFor('routable row sent', async () => (await outboxRow(routed.id))?.sent_at);
    const stuck = await waitFor('orphan attempted twice', async () => {
      const row = await outboxRow(orphan.id);
      return row && row.attempts >= 2 ? row : undefined;
    });
    expect(stuck.sent_at).toBeNull();
    expect(stuck.last_error).toBe('unroutable: no queue is bound for nobody.binds.this');
    expect(errors.mock.calls.some(([msg]) => typeof msg === 'string' && msg.includes(orphan.id) && msg.includes('unroutable'))).toBe(true);
    expect(relay!.stats().unroutable).toBeGreaterThanOrEqual(2);

    // A deploy adds a binding: the next retry routes it and only then is it marked sent.
    const tap = await broker.tap('nobody.#');
    await waitFor('orphan finally sent', async () => (await outboxRow(orphan.id))?.sent_at, 20_000);
    const copies = await broker.drain(tap);
    expect(copies.map((c) => c.properties.messageId)).toEqual([orphan.id]);
  });
});
