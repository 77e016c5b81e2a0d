import { DataSource } from 'typeorm';
import { testAmqpUrl } from '@fpms/testing/env';
import { MutableClock } from '@fpms/testing/mutable-clock';
import { MessagingHousekeeping } from '../nest/messaging-housekeeping';
import { EventConsumer } from './event-consumer';
import {
  BrokerProbe,
  createEventsTestDb,
  EventsTestDb,
  handmadeEnvelope,
  newTestEvent,
  testOutboxWriter,
  recordApplied,
  waitFor,
  appliedCount,
} from './test-support/events-harness';

const DAY = 86_400_000;

/**
 * Outbox and inbox purges against real PostgreSQL (and RabbitMQ for the inbox), with a
 * clock moved instead of waiting days. Retention as the defaults: 7 days sent, 30 days inbox.
 */
describe('messaging housekeeping (integration)', () => {
  const writer = testOutboxWriter();
  const retention = { sentOutboxMs: 7 * DAY, inboxMs: 30 * DAY };
  let env: EventsTestDb;
  const housekeeper = (ds: DataSource, clock: MutableClock) => new MessagingHousekeeping(ds, clock, { intervalMs: 0, retention });

  const outboxIds = async (): Promise<Set<string>> =>
    new Set((await env.dataSource.query(`select id from outbox_messages`)).map((r: { id: string }) => r.id));
  const addEvents = (n: number) =>
    env.dataSource.transaction((m) =>
      writer.addMany(
        m,
        Array.from({ length: n }, () => newTestEvent()),
      ),
    );
  const markSent = (ids: string[], at: Date | 'now') =>
    env.dataSource.query(
      `update outbox_messages set sent_at = ${at === 'now' ? 'now()' : '$2'} where id = any($1::uuid[])`,
      at === 'now' ? [ids] : [ids, at],
    );

  beforeAll(async () => {
    env = await createEventsTestDb('housekeeping');
  });

  afterAll(async () => {
    await env?.close();
  });

  beforeEach(async () => {
    await env.dataSource.query(`truncate outbox_messages, inbox_messages, applied_events`);
  });

  it('purges sent rows past the retention, keeps young sent rows and every unsent row however old', async () => {
    const clock = new MutableClock();
    const old = (await addEvents(3)).map((e) => e.id);
    await markSent(old, 'now');
    const unsent = (await addEvents(2)).map((e) => e.id);

    clock.advanceDays(8);
    const young = (await addEvents(2)).map((e) => e.id);
    await markSent(young, new Date(clock.now().getTime() - 6 * DAY));

    expect(await housekeeper(env.dataSource, clock).runOnce()).toEqual({ outbox: 3, inbox: 0 });
    expect([...(await outboxIds())].sort()).toEqual([...unsent, ...young].sort());

    // A year on: the young rows are old now; the unsent ones still stay.
    clock.advanceDays(365);
    expect((await housekeeper(env.dataSource, clock).runOnce()).outbox).toBe(2);
    expect([...(await outboxIds())].sort()).toEqual([...unsent].sort());
  });

  it('two replicas purging at once delete every old row once between them and nothing else', async () => {
    const clock = new MutableClock();
    // More than one chunk (5,000), so the replicas interleave chunk by chunk.
    const old: string[] = [];
    for (let i = 0; i < 6; i++) old.push(...(await addEvents(2_000)).map((e) => e.id));
    await markSent(old, 'now');
    const unsent = (await addEvents(50)).map((e) => e.id);
    await env.dataSource.query(
      `insert into inbox_messages (message_id, consumer) select gen_random_uuid(), 'c' || (i % 3) from generate_series(1, 9000) i`,
    );
    clock.advanceDays(31);

    const second = await createEventsTestDbConnection(env);
    try {
      const [a, b] = await Promise.all([housekeeper(env.dataSource, clock).runOnce(), housekeeper(second, clock).runOnce()]);
      expect(a.outbox + b.outbox).toBe(old.length);
      expect(a.inbox + b.inbox).toBe(9000);
    } finally {
      await second.destroy();
    }
    expect([...(await outboxIds())].sort()).toEqual([...unsent].sort());
    expect(Number((await env.dataSource.query(`select count(*)::int as n from inbox_messages`))[0].n)).toBe(0);
  });

  it('the inbox still dedupes a duplicate that arrives within the retention, and forgets it after', async () => {
    const clock = new MutableClock();
    const broker = await BrokerProbe.open();
    const consumer = new EventConsumer({
      dataSource: env.dataSource,
      amqpUrl: testAmqpUrl(),
      exchange: broker.exchange,
      queue: broker.consumerQueue('hk_q'),
      bindings: ['testsvc.#'],
      consumerName: 'hk',
      // One at a time, so a sentinel applied means everything before it was handled.
      prefetch: 1,
      handler: (event, manager) => recordApplied(manager, event, 'hk'),
    });
    const applied = (id: string) => appliedCount(env.dataSource, id);
    const deliver = async (...events: ReturnType<typeof handmadeEnvelope>[]) => {
      for (const e of events) await broker.publish(e.type, JSON.stringify(e), { messageId: e.id });
      const sentinel = handmadeEnvelope();
      await broker.publish(sentinel.type, JSON.stringify(sentinel), { messageId: sentinel.id });
      await waitFor('sentinel applied', async () => (await applied(sentinel.id)) === 1);
    };
    try {
      await consumer.start();
      await consumer.waitForConnect();
      const event = handmadeEnvelope();
      await deliver(event);
      expect(await applied(event.id)).toBe(1);

      // 29 days on, a purge runs, then the same message comes again: still a duplicate.
      clock.advanceDays(29);
      await housekeeper(env.dataSource, clock).runOnce();
      await deliver(event);
      expect(await applied(event.id)).toBe(1);

      // Past the retention the inbox row goes (and with it the memory of the id).
      clock.advanceDays(2);
      expect((await housekeeper(env.dataSource, clock).runOnce()).inbox).toBeGreaterThanOrEqual(1);
      const left = await env.dataSource.query(`select 1 from inbox_messages where message_id = $1`, [event.id]);
      expect(left).toEqual([]);
    } finally {
      await consumer.stop();
      await broker.cleanup();
    }
  });
});

/** A second pool on the same scratch database, as a second replica has. */
async function createEventsTestDbConnection(env: EventsTestDb): Promise<DataSource> {
  return new DataSource({
    type: 'postgres',
    host: env.db.host,
    port: env.db.port,
    username: env.db.user,
    password: env.db.password,
    database: env.db.name,
    extra: { max: 2 },
  }).initialize();
}
