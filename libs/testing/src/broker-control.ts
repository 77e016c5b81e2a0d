import { execFile } from 'node:child_process';
import * as amqplib from 'amqplib';
import { testAmqpUrl } from './env';

/**
 * Stops and starts the RabbitMQ application (not the Erlang node) for disruptive tests.
 * Only tests in the serial phase (*.disruptive.test.ts) may use this: every other test
 * sharing the broker sees its connections drop.
 *
 * `RABBITMQCTL` overrides the command, e.g. `docker exec rabbitmq rabbitmqctl`.
 */
function rabbitmqctl(args: string[], timeoutMs = 60_000): Promise<string> {
  const [cmd, ...prefix] = (process.env.RABBITMQCTL ?? 'rabbitmqctl').trim().split(/\s+/);
  return new Promise((resolve, reject) => {
    execFile(cmd, [...prefix, ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

export async function stopBroker(): Promise<void> {
  await rabbitmqctl(['stop_app']);
}

/** Starts the app and resolves once it accepts AMQP connections again. */
export async function startBroker(options: { url?: string; timeoutMs?: number } = {}): Promise<void> {
  await rabbitmqctl(['start_app']);
  await waitForBroker(options);
}

/** Polls until an AMQP connection opens (start_app returns before listeners accept). */
export async function waitForBroker(options: { url?: string; timeoutMs?: number } = {}): Promise<void> {
  const url = options.url ?? testAmqpUrl();
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const conn = await amqplib.connect(url, { timeout: 2000 });
      await conn.close();
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`broker not accepting connections at ${url.replace(/\/\/[^@]*@/, '//***@')}: ${String(lastError)}`);
}

/** The type (classic, quorum, …) of each durable queue whose name starts with `prefix`, on `url`'s vhost. */
export async function queueTypes(prefix: string, url = testAmqpUrl()): Promise<Map<string, string>> {
  const vhost = decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || '/';
  const out = await rabbitmqctl(['list_queues', '-p', vhost, '--quiet', '--no-table-headers', 'name', 'type', 'durable']);
  const types = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [name, type, durable] = line.trim().split(/\s+/);
    if (name?.startsWith(prefix) && type && durable === 'true') types.set(name, type);
  }
  return types;
}
