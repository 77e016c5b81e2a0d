import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Metrics } from '@fpms/common/metrics/metrics';
import { testAmqpUrl } from '@fpms/testing/env';
import { EventConsumer, PermanentEventError } from './event-consumer';
import { deadLetterQueueName } from './event-topology';
import {
  appliedCount,
  BrokerProbe,
  createEventsTestDb,
  EventsTestDb,
  handmadeEnvelope,
  recordApplied,
  waitFor,
} from './test-support/events-harness';

const run = promisify(execFile);
const root = join(__dirname, '..', '..', '..', '..');

/** `npm run dlq:replay` as an operator runs it: the compiled tool (npm test builds dist/ first). */
async function replayCommand(...args: string[]): Promise<{ stdout: string; result: { replayed: number; remaining: number } }> {
  const { stdout } = await run('node', [join(root, 'dist', 'tools', 'messaging', 'dlq-replay.js'), ...args], {
    cwd: root,
    env: { ...process.env, AMQP_URL: testAmqpUrl() },
  });
  const lines = stdout.trim().split('\n');
  return { stdout, result: JSON.parse(lines[lines.length - 1]) };
}

/** The value of one unlabelled-or-labelled series in a Prometheus exposition. */
async function gaugeValue(metrics: Metrics, name: string, queue: string): Promise<number | undefined> {
  const line = (await metrics.exposition()).body.split('\n').find((l) => l.startsWith(`${name}{queue="${queue}"}`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

/**
 * The DLQ replay against the real broker and database: an event dead-lettered by a handler
 * that cannot apply it, the handler fixed, the command run: the event is applied exactly
 * once and the DLQ is empty; running it again changes nothing.
 */
describe('DLQ replay (npm run dlq:replay)', () => {
  let env: EventsTestDb;
  let broker: BrokerProbe;
  let consumer: EventConsumer | undefined;

  beforeAll(async () => {
    env = await createEventsTestDb('dlq_replay');
    broker = await BrokerProbe.open();
  });

  afterAll(async () => {
    try {
      await consumer?.stop();
      await broker?.cleanup();
    } finally {
      await env?.close();
    }
  });

  it('moves a dead-lettered event back to its queue, where the fixed handler applies it exactly once', async () => {
    let broken = true;
    const queue = broker.consumerQueue('replay');
    const metrics = Metrics.detached();
    consumer = new EventConsumer({
      dataSource: env.dataSource,
      amqpUrl: testAmqpUrl(),
      exchange: broker.exchange,
      queue,
      bindings: ['testsvc.replay.*'],
      consumerName: 'replay',
      metrics,
      handler: async (event, manager) => {
        await recordApplied(manager, event, 'replay'); // rolled back while broken
        if (broken) throw new PermanentEventError('the handler cannot apply this yet');
      },
    });
    await consumer.start();
    await consumer.waitForConnect();

    const stuck = handmadeEnvelope({ type: 'testsvc.replay.happened' });
    const other = handmadeEnvelope({ type: 'testsvc.replay.happened' });
    for (const event of [stuck, other]) {
      await broker.publish(event.type, JSON.stringify(event), { messageId: event.id, contentType: 'application/json' });
    }
    const dlq = deadLetterQueueName(queue);
    await waitFor('both events dead-lettered', async () => (await broker.messageCount(dlq)) === 2);
    expect(await appliedCount(env.dataSource, [stuck.id, other.id])).toBe(0);
    // The consumer's DLQ gauge, read from the broker on scrape, says so too.
    expect(await gaugeValue(metrics, 'fpms_dlq_depth', queue)).toBe(2);

    broken = false;
    // --limit: one now, the rest later.
    const first = await replayCommand('--queue', queue, '--limit', '1');
    expect(first.result).toMatchObject({ replayed: 1, remaining: 1 });
    await waitFor('the first replayed event applied', async () => (await appliedCount(env.dataSource, [stuck.id, other.id])) === 1);

    const rest = await replayCommand('--queue', dlq);
    expect(rest.result).toMatchObject({ replayed: 1, remaining: 0 });
    expect(rest.stdout).toMatch(/replayed testsvc\.replay\.happened .* \(was: permanent-error\)/);
    await waitFor('both events applied', async () => (await appliedCount(env.dataSource, [stuck.id, other.id])) === 2);

    // Nothing left to replay, and nothing applied twice.
    expect((await replayCommand('--queue', queue)).result).toMatchObject({ replayed: 0, remaining: 0 });
    expect(await appliedCount(env.dataSource, stuck.id)).toBe(1);
    expect(await appliedCount(env.dataSource, other.id)).toBe(1);
    expect(await broker.messageCount(dlq)).toBe(0);
    expect(await gaugeValue(metrics, 'fpms_dlq_depth', queue)).toBe(0);
  });

  it('refuses a queue that does not exist instead of creating one', async () => {
    await expect(replayCommand('--queue', 'no-such-consumer.events')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/dlq replay failed: .*NOT_FOUND/),
    });
  });
});
