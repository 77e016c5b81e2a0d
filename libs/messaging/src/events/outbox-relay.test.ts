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
  sleep,
  TEST_ACCOUNT,
  waitFor,
  appliedCount,
} from './test-support/events-harness';

/**
 * Outbox → relay → broker → consumer against the real PostgreSQL and RabbitMQ.
 * Every event goes through a handler that writes `applied_events`, and a tap queue bound
 * to the exchange counts published copies without any dedupe in the way.
 */
describe('OutboxRelay (integration)', () => {
  const writer = testOutboxWriter();
  let env: EventsTestDb;
  let broker: BrokerProbe;
  let consumer: EventConsumer;
  let relay: OutboxRelay | undefined;
  const consumerName = 'relay-test';

  const appliedRows = (eventId: string) => appliedCount(env.dataSource, eventId);

  beforeAll(async () => {
    env = await createEventsTestDb('relay');
    broker = await BrokerProbe.open();
    consumer = new EventConsumer({
      dataSource: env.dataSource,
      amqpUrl: testAmqpUrl(),
      exchange: broker.exchange,
      queue: broker.consumerQueue('relay_q'),
      bindings: ['testsvc.#'],
      consumerName,
      handler: (event, manager) => recordApplied(manager, event, consumerName),
    });
    // The consumer declares the exchange, queue and binding before anything is published:
    // the exchange drops messages for which no queue is bound yet.
    await consumer.start();
    await consumer.waitForConnect();
  });

  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
  });

  afterAll(async () => {
    try {
      await relay?.stop();
      await consumer?.stop();
      await broker?.cleanup();
    } finally {
      await env?.close();
    }
  });

  it('publishes a committed row exactly once, with the envelope and AMQP properties, and marks it sent', async () => {
    const tap = await broker.tap('testsvc.widget.changed');
    relay = new OutboxRelay({ dataSource: env.dataSource, amqpUrl: testAmqpUrl(), exchange: broker.exchange, pollIntervalMs: 200 });
    await relay.start();
    await relay.waitForConnect();

    const envelope = await env.dataSource.transaction((m) => writer.add(m, newTestEvent({ requestId: 'req-123' })));

    await waitFor('event applied', async () => (await appliedRows(envelope.id)) === 1);
    const [row] = await env.dataSource.query(`select sent_at, attempts, last_error from outbox_messages where id = $1`, [envelope.id]);
    expect(row.sent_at).not.toBeNull();
    expect(row.attempts).toBe(1);
    expect(row.last_error).toBeNull();

    // Give a stray republish time to show up before asserting "once".
    await sleep(1500);
    expect(await appliedRows(envelope.id)).toBe(1);
    const copies = await broker.drain(tap);
    expect(copies).toHaveLength(1);
    const [msg] = copies;
    expect(msg.properties.messageId).toBe(envelope.id);
    expect(msg.properties.deliveryMode).toBe(2);
    expect(msg.properties.contentType).toBe('application/json');
    expect(msg.properties.headers?.['x-request-id']).toBe('req-123');
    expect(msg.fields.routingKey).toBe('testsvc.widget.changed');
    expect(JSON.parse(msg.content.toString())).toEqual(envelope);

    // The consumer ran the handler under the event's tenant.
    const [applied] = await env.dataSource.query(`select tenant_seen from applied_events where event_id = $1`, [envelope.id]);
    expect(applied.tenant_seen).toBe(TEST_ACCOUNT);
  });

  it('wakes on the outbox NOTIFY instead of waiting for the next poll', async () => {
    // A poll interval far beyond the wait below: only the LISTEN path can deliver in time.
    relay = new OutboxRelay({ dataSource: env.dataSource, amqpUrl: testAmqpUrl(), exchange: broker.exchange, pollIntervalMs: 120_000 });
    await relay.start();
    await relay.waitForConnect();
    await sleep(500); // let the start-up batch run and the relay go to sleep
    const t0 = Date.now();
    const envelope = await env.dataSource.transaction((m) => writer.add(m, newTestEvent()));
    await waitFor('event applied', async () => (await appliedRows(envelope.id)) === 1, 10_000, 20);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('publishes nothing for a rolled-back transaction', async () => {
    relay = new OutboxRelay({ dataSource: env.dataSource, amqpUrl: testAmqpUrl(), exchange: broker.exchange, pollIntervalMs: 200 });
    await relay.start();
    let rolledBackId: string | undefined;
    await expect(
      env.dataSource.transaction(async (m) => {
        rolledBackId = (await writer.add(m, newTestEvent({ aggregateId: 'rolled-back' }))).id;
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(rolledBackId).toBeDefined();

    // A later committed event is the flush marker: once it is applied, anything written
    // before it would have been relayed too.
    const marker = await env.dataSource.transaction((m) => writer.add(m, newTestEvent({ aggregateId: 'marker' })));
    await waitFor('marker applied', async () => (await appliedRows(marker.id)) === 1);

    expect(await env.dataSource.query(`select id from outbox_messages where id = $1`, [rolledBackId])).toHaveLength(0);
    expect(await appliedRows(rolledBackId!)).toBe(0);
    expect(await env.dataSource.query(`select 1 from applied_events where aggregate_id = 'rolled-back'`)).toHaveLength(0);
  });

  it('refuses to write outside a transaction and rejects an invalid event', async () => {
    await expect(writer.add(env.dataSource.manager, newTestEvent())).rejects.toThrow(/inside a transaction/);
    await expect(env.dataSource.transaction((m) => writer.add(m, newTestEvent({ type: 'NotARoutingKey' })))).rejects.toThrow();
    await expect(env.dataSource.transaction((m) => writer.add(m, newTestEvent({ tenant: { accountId: 'nope' } })))).rejects.toThrow();
  });

  it('lets two relays on one database publish every row exactly once between them', async () => {
    const total = 400;
    const tap = await broker.tap('testsvc.pair.*');
    // Written before the relays start, so both compete for the same backlog.
    const ids: string[] = [];
    await env.dataSource.transaction(async (m) => {
      const envelopes = await writer.addMany(
        m,
        Array.from({ length: total }, (_, i) => newTestEvent({ type: 'testsvc.pair.created', aggregateId: `pair-${i}` })),
      );
      ids.push(...envelopes.map((e) => e.id));
    });

    const options = { dataSource: env.dataSource, amqpUrl: testAmqpUrl(), exchange: broker.exchange, batchSize: 5, pollIntervalMs: 200 };
    const a = new OutboxRelay(options);
    const b = new OutboxRelay(options);
    try {
      await Promise.all([a.start(), b.start()]);
      await waitFor(
        'all rows sent',
        async () =>
          Number(
            (await env.dataSource.query(`select count(*)::int as n from outbox_messages where id = any($1) and sent_at is null`, [ids]))[0]
              .n,
          ) === 0,
        30_000,
      );
      await waitFor('all events applied', async () => (await appliedCount(env.dataSource, ids)) >= total, 30_000);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }

    const perEvent = await env.dataSource.query(
      `select count(*)::int as rows, count(distinct event_id)::int as distinct_ids, max(n)::int as max_applied
       from (select event_id, count(*) over (partition by event_id) as n from applied_events where event_id = any($1)) t`,
      [ids],
    );
    expect(perEvent[0]).toEqual({ rows: total, distinct_ids: total, max_applied: 1 });
    // The tap sees raw publishes: exactly one copy per row means no row went out twice.
    await waitFor('tap filled', async () => (await broker.messageCount(tap)) >= total);
    await sleep(500);
    expect(await broker.messageCount(tap)).toBe(total);
    expect(a.stats().published + b.stats().published).toBe(total);
    expect(a.stats().published).toBeGreaterThan(0);
    expect(b.stats().published).toBeGreaterThan(0);
  });

  it('purges sent rows older than the retention and keeps unsent ones', async () => {
    const [unsent] = await env.dataSource.transaction((m) => writer.addMany(m, [newTestEvent({ aggregateId: 'unsent' })]));
    await env.dataSource.query(`update outbox_messages set sent_at = now() - interval '2 days' where sent_at is not null`);
    const sentBefore = Number(
      (await env.dataSource.query(`select count(*)::int as n from outbox_messages where sent_at is not null`))[0].n,
    );
    expect(sentBefore).toBeGreaterThan(0);

    const purger = new OutboxRelay({ dataSource: env.dataSource, amqpUrl: testAmqpUrl(), exchange: broker.exchange });
    expect(await purger.purgeSent(24 * 3600 * 1000)).toBe(sentBefore);
    const left = await env.dataSource.query(`select id, sent_at from outbox_messages`);
    expect(left).toEqual([{ id: unsent.id, sent_at: null }]);
  });
});
