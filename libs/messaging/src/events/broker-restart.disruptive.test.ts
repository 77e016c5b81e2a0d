import { Logger } from '@nestjs/common';
import { queueTypes, startBroker, stopBroker, waitForBroker } from '@fpms/testing/broker-control';
import type { QueueType } from '../queue-type';
import { testAmqpUrl } from '@fpms/testing/env';
import { EventConsumer } from './event-consumer';
import { deadLetterQueueName } from './event-topology';
import { OutboxRelay } from './outbox-relay';
import {
  BrokerProbe,
  createEventsTestDb,
  EventsTestDb,
  newTestEvent,
  testOutboxWriter,
  recordApplied,
  sleep,
  waitFor,
} from './test-support/events-harness';

/**
 * Phase 2 (serial): a real broker restart in the middle of a 5,000-event stream. Nothing
 * may be lost (every outbox row ends up sent, every event applied) and nothing may be
 * applied twice, although the restart guarantees republishes and redeliveries. It runs
 * with classic queues (one node) and with quorum queues (AMQP_QUEUE_TYPE=quorum, the prod
 * overlay's setting), here on the single local node.
 */
const TOTAL = 5_000;
const BATCH = 50;
const RESTART_AFTER = 1_500;
const OUTAGE_MS = 4_000;
const DEADLINE_MS = 180_000;

describe.each<QueueType>(['classic', 'quorum'])('events across a broker restart, %s queues (disruptive)', (queueType) => {
  const log = new Logger('broker-restart.test');
  const consumerName = 'restart-test';
  let env: EventsTestDb;
  let broker: BrokerProbe | undefined;
  let consumer: EventConsumer | undefined;
  let relay: OutboxRelay | undefined;
  let queue: string;
  /** Set before stop_app; afterAll restarts the broker again in case jest abandoned the test mid-outage. */
  let brokerTouched = false;

  beforeAll(async () => {
    // Thousands of "duplicate skipped" debug lines would bury the result.
    Logger.overrideLogger(['log', 'warn', 'error']);
    await waitForBroker({ timeoutMs: 30_000 });
    env = await createEventsTestDb(`restart_${queueType}`, 20);
    broker = await BrokerProbe.open();
    queue = broker.consumerQueue(`restart_${queueType}_q`);
  });

  afterAll(async () => {
    // start_app on a running broker is a no-op, so this is safe after a normal run too.
    if (brokerTouched) await startBroker({ timeoutMs: 60_000 }).catch((err) => log.error(`could not restart the broker: ${String(err)}`));
    try {
      await relay?.stop();
      await consumer?.stop();
      await broker?.cleanup();
    } finally {
      await env?.close();
    }
  });

  it('loses nothing and applies nothing twice when the broker restarts mid-stream', async () => {
    consumer = new EventConsumer({
      dataSource: env.dataSource,
      amqpUrl: testAmqpUrl(),
      exchange: broker!.exchange,
      queue,
      bindings: ['testsvc.stream.*'],
      consumerName,
      retryDelaysMs: [500, 1000, 2000],
      queueType,
      handler: (event, manager) => recordApplied(manager, event, consumerName),
    });
    await consumer.start();
    await consumer.waitForConnect();
    // The consumer declared its queue, retry queues and DLQ with the type asked for.
    const declared = await queueTypes(queue);
    expect(declared.size).toBe(5);
    expect(new Set(declared.values())).toEqual(new Set([queueType]));
    relay = new OutboxRelay({
      dataSource: env.dataSource,
      amqpUrl: testAmqpUrl(),
      exchange: broker!.exchange,
      batchSize: 100,
      pollIntervalMs: 200,
    });
    await relay.start();
    await relay.waitForConnect();

    // Observe the outage from the components' side, to prove the restart really hit them.
    const seenDown = { relay: false, consumer: false };
    const watcher = setInterval(() => {
      if (!relay?.isConnected()) seenDown.relay = true;
      if (!consumer?.isConnected()) seenDown.consumer = true;
    }, 50);

    const writer = testOutboxWriter();
    const t0 = Date.now();
    let written = 0;
    let restart: Promise<void> | undefined;
    let brokerStopped = false;
    const timings: Record<string, number> = {};
    try {
      while (written < TOTAL) {
        const n = Math.min(BATCH, TOTAL - written);
        const base = written;
        await env.dataSource.transaction((m) =>
          writer.addMany(
            m,
            Array.from({ length: n }, (_, i) =>
              newTestEvent({ type: 'testsvc.stream.appended', aggregateId: `s-${base + i}`, aggregateVersion: base + i }),
            ),
          ),
        );
        written += n;
        if (!restart && written >= RESTART_AFTER) {
          // Runs concurrently with the rest of the stream: writes continue during the outage.
          restart = (async () => {
            timings.stopAt = Date.now() - t0;
            brokerStopped = true;
            brokerTouched = true;
            await stopBroker();
            timings.stoppedAt = Date.now() - t0;
            await sleep(OUTAGE_MS);
            await startBroker({ timeoutMs: 60_000 });
            brokerStopped = false;
            timings.startedAt = Date.now() - t0;
          })();
        }
        await sleep(25);
      }
      timings.writtenAt = Date.now() - t0;
      await restart;
    } finally {
      // Whatever happened above, never leave the shared broker stopped.
      if (brokerStopped || restart) {
        await restart?.catch((err) => log.error(`restart failed: ${String(err)}`));
        await startBroker({ timeoutMs: 60_000 }).catch((err) => log.error(`could not restart the broker: ${String(err)}`));
      }
      clearInterval(watcher);
    }
    expect(restart).toBeDefined();
    expect(seenDown).toEqual({ relay: true, consumer: true });

    const counts = async () => {
      const [row] = await env.dataSource.query(
        `select (select count(*)::int from outbox_messages where sent_at is null) as unsent,
                (select count(*)::int from applied_events) as applied,
                (select count(distinct event_id)::int from applied_events) as distinct_applied`,
      );
      return row as { unsent: number; applied: number; distinct_applied: number };
    };
    await waitFor(
      'every row sent and every event applied',
      async () => {
        const c = await counts();
        return c.unsent === 0 && c.distinct_applied >= TOTAL;
      },
      DEADLINE_MS - (Date.now() - t0),
      250,
    );
    timings.doneAt = Date.now() - t0;
    // Let late redeliveries arrive before judging "exactly once".
    await sleep(2000);

    const final = await counts();
    const doubles = await env.dataSource.query(
      `select event_id, count(*)::int as n from applied_events group by event_id having count(*) > 1 limit 5`,
    );
    const outbox = await env.dataSource.query(`select count(*)::int as n, count(sent_at)::int as sent from outbox_messages`);
    const missing = await env.dataSource.query(
      `select count(*)::int as n from outbox_messages o where not exists (select 1 from applied_events a where a.event_id = o.id)`,
    );
    log.log(
      `timings ms ${JSON.stringify(timings)}; relay ${JSON.stringify(relay.stats())}; outbox ${JSON.stringify(outbox[0])}; applied ${JSON.stringify(final)}`,
    );
    expect(outbox[0]).toEqual({ n: TOTAL, sent: TOTAL });
    expect(missing[0].n).toBe(0);
    expect(doubles).toEqual([]);
    expect(final).toEqual({ unsent: 0, applied: TOTAL, distinct_applied: TOTAL });
    expect(await broker!.messageCount(deadLetterQueueName(queue))).toBe(0);
  });
});
