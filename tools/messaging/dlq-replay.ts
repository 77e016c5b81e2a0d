/**
 * `npm run dlq:replay -- --queue <queue> [--limit <n>]`: moves dead-lettered events of one
 * consumer queue (`workspace.events`, or its `workspace.events.dlq`) back to that queue,
 * one at a time, each acked from the DLQ only after the broker confirmed its copy (see
 * replayDeadLetters). Fix what made them fail first: a replayed event that fails again
 * goes through its retries and back to the DLQ. Prints one line per message, then the
 * result as JSON. Broker: AMQP_URL, else derived like npm start.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { replayDeadLetters } from '@fpms/messaging/events/dlq-replay';
import { platformEnv } from '../infra/platform-env';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { queue: { type: 'string' }, limit: { type: 'string' } } });
  if (!values.queue) {
    process.stderr.write('usage: npm run dlq:replay -- --queue <consumer queue, e.g. workspace.events> [--limit <n>]\n');
    return 64;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    process.stderr.write(`--limit must be a positive integer, got ${values.limit}\n`);
    return 64;
  }
  const result = await replayDeadLetters({
    amqpUrl: process.env.AMQP_URL ?? platformEnv().amqpUrl,
    queue: values.queue,
    limit,
    onReplayed: (m) => process.stdout.write(`replayed ${m.type ?? '(no type)'} ${m.messageId ?? '(no id)'} (was: ${String(m.reason)})\n`),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`dlq replay failed: ${error.message}\n`);
    process.exit(1);
  },
);
