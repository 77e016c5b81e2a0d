import { RequestContext } from '@fpms/common/logging/request-context';
import { createPinoLogger } from '@fpms/common/logging/logger';
import { testAmqpUrl } from '@fpms/testing/env';
import { EventConsumer } from './event-consumer';
import { OutboxRelay } from './outbox-relay';
import {
  BrokerProbe,
  createEventsTestDb,
  EventsTestDb,
  handmadeEnvelope,
  newTestEvent,
  recordApplied,
  testOutboxWriter,
  waitFor,
} from './test-support/events-harness';

/**
 * One request id along a chain of events, against the real PostgreSQL and RabbitMQ: a
 * request writes an event, its consumer writes a follow-up event (naming no request id
 * itself), and the follow-up's consumer still works under the first request's id; every
 * outbox row and every `event handled` line names it.
 */
describe('request id through outbox, relay and consumers (integration)', () => {
  const writer = testOutboxWriter();
  let env: EventsTestDb;
  let broker: BrokerProbe;
  let relay: OutboxRelay;
  const consumers: EventConsumer[] = [];
  /** The request id each handler saw, by event id. */
  const seen = new Map<string, string | undefined>();
  const lines: Array<Record<string, unknown>> = [];
  const log = createPinoLogger('chain-test', 'info', { write: (line: string) => lines.push(JSON.parse(line)) });

  const outboxRow = async (id: string) =>
    (await env.dataSource.query(`select payload, headers from outbox_messages where id = $1`, [id]))[0] as
      { payload: { requestId?: string }; headers: Record<string, string> } | undefined;

  async function consume(
    name: string,
    binding: string,
    then?: (eventId: string, manager: Parameters<typeof recordApplied>[0]) => Promise<void>,
  ) {
    const consumer = new EventConsumer({
      dataSource: env.dataSource,
      amqpUrl: testAmqpUrl(),
      exchange: broker.exchange,
      queue: broker.consumerQueue(name),
      bindings: [binding],
      consumerName: name,
      log,
      handler: async (event, manager) => {
        seen.set(event.id, RequestContext.requestId());
        await recordApplied(manager, event, name);
        await then?.(event.id, manager);
      },
    });
    consumers.push(consumer);
    await consumer.start();
    await consumer.waitForConnect();
  }

  /** Follow-up event ids written by the first consumer, by the event that caused them. */
  const followUps = new Map<string, string>();

  beforeAll(async () => {
    env = await createEventsTestDb('request_id_chain');
    broker = await BrokerProbe.open();
    await consume('chain_first', 'testsvc.first.*', async (eventId, manager) => {
      const followUp = await writer.add(manager, newTestEvent({ type: 'testsvc.second.followed' }));
      followUps.set(eventId, followUp.id);
    });
    await consume('chain_second', 'testsvc.second.*');
    relay = new OutboxRelay({ dataSource: env.dataSource, amqpUrl: testAmqpUrl(), exchange: broker.exchange, pollIntervalMs: 100 });
    await relay.start();
    await relay.waitForConnect();
  });

  afterAll(async () => {
    try {
      await relay?.stop();
      for (const c of consumers) await c.stop();
      await broker?.cleanup();
    } finally {
      await env?.close();
    }
  });

  it('keeps the writing request id on the outbox row, through the consumer, onto the events it writes and their consumer', async () => {
    const requestId = `req-chain-${Date.now()}`;
    // A producer that names no request id: the writer takes the one of the request it runs for.
    const first = await RequestContext.run({ requestId }, () =>
      env.dataSource.transaction((m) => writer.add(m, newTestEvent({ type: 'testsvc.first.happened' }))),
    );
    expect(first.requestId).toBe(requestId);
    expect(await outboxRow(first.id)).toMatchObject({ payload: { requestId }, headers: { 'x-request-id': requestId } });

    const secondId = await waitFor('the follow-up event', async () => followUps.get(first.id));
    await waitFor('the follow-up consumed', async () => seen.has(secondId));

    expect(seen.get(first.id)).toBe(requestId);
    expect(await outboxRow(secondId)).toMatchObject({ payload: { requestId }, headers: { 'x-request-id': requestId } });
    expect(seen.get(secondId)).toBe(requestId);
    const handled = lines.filter((l) => l.msg === 'event handled' && l.requestId === requestId);
    expect(handled.map((l) => [l.type, l.outcome]).sort()).toEqual([
      ['testsvc.first.happened', 'applied'],
      ['testsvc.second.followed', 'applied'],
    ]);
  });

  it('gives an event that carries no request id a fresh one per delivery, which its follow-up events carry', async () => {
    const a = handmadeEnvelope({ type: 'testsvc.first.untraced' });
    const b = handmadeEnvelope({ type: 'testsvc.first.untraced' });
    for (const e of [a, b]) await broker.publish(e.type, JSON.stringify(e), { messageId: e.id, contentType: 'application/json' });

    const followA = await waitFor('a followed', async () => followUps.get(a.id));
    const followB = await waitFor('b followed', async () => followUps.get(b.id));
    await waitFor('both follow-ups consumed', async () => seen.has(followA) && seen.has(followB));

    const idA = seen.get(a.id);
    const idB = seen.get(b.id);
    expect(idA).toMatch(/^[0-9a-f-]{36}$/);
    expect(idB).toMatch(/^[0-9a-f-]{36}$/);
    expect(idA).not.toBe(idB);
    expect((await outboxRow(followA))?.payload.requestId).toBe(idA);
    expect(seen.get(followA)).toBe(idA);
    expect(seen.get(followB)).toBe(idB);
  });
});
