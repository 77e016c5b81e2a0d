import { randomUUID } from 'node:crypto';
import * as amqplib from 'amqplib';
import { AppError } from '@fpms/common/errors/app-error';
import { RpcContext } from '@fpms/contracts/rpc/rpc-context';
import { rpcPattern } from '@fpms/contracts/rpc/rpc-pattern';
import { testAmqpUrl, uniqueName } from '@fpms/testing/env';
import { RpcClient } from './rpc-client';

/** The request the fake service echoes (the client sends it as is; no service-side check here). */
class EchoRequest {
  n!: number;
}

/**
 * A stand-in service speaking Nest's RMQ wire format on its own connection: it consumes
 * the queue (manual ack, prefetch) and answers `{ echo, requestId }` after `delayMs`.
 */
class FakeService {
  private channel?: amqplib.Channel;
  private tag?: string;
  readonly requestIds: string[] = [];

  private constructor(
    private readonly connection: amqplib.ChannelModel,
    readonly queue: string,
    private readonly delayMs: number,
  ) {}

  static async start(queue: string, delayMs = 10): Promise<FakeService> {
    const service = new FakeService(await amqplib.connect(testAmqpUrl()), queue, delayMs);
    await service.consume();
    return service;
  }

  async consume(): Promise<void> {
    const channel = await this.connection.createChannel();
    await channel.assertQueue(this.queue, { durable: true });
    await channel.prefetch(20);
    const { consumerTag } = await channel.consume(this.queue, (msg) => {
      if (!msg) return;
      this.requestIds.push(String(msg.properties.headers?.['x-request-id']));
      const { data } = JSON.parse(msg.content.toString()) as { data: { data: unknown } };
      setTimeout(() => {
        if (this.channel !== channel) return; // stopped meanwhile: this request stays unanswered
        const reply = { response: { echo: data.data, requestId: msg.properties.headers?.['x-request-id'] }, isDisposed: true };
        channel.sendToQueue(msg.properties.replyTo, Buffer.from(JSON.stringify(reply)), { correlationId: msg.properties.correlationId });
        channel.ack(msg);
      }, this.delayMs);
    });
    this.channel = channel;
    this.tag = consumerTag;
  }

  /** Stops consuming; requests it holds are never answered (their channel stays open, so they are not redelivered either). */
  async stopConsuming(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    if (channel && this.tag) await channel.cancel(this.tag);
  }

  async close(): Promise<void> {
    this.channel = undefined;
    await this.connection.close().catch(() => undefined);
  }
}

const ctx = (): RpcContext => ({ requestId: `req-${randomUUID()}`, userId: randomUUID(), token: 'not-checked-by-the-client' });

async function outcome(call: Promise<unknown>): Promise<{ ok: true } | { ok: false; status: number; code: string }> {
  try {
    await call;
    return { ok: true };
  } catch (error) {
    const e = error as AppError;
    return { ok: false, status: e.status, code: e.code };
  }
}

describe('RpcClient (integration, real RabbitMQ)', () => {
  const clients: RpcClient[] = [];
  const services: FakeService[] = [];
  let admin: amqplib.ChannelModel;
  let adminChannel: amqplib.Channel;
  const queues: string[] = [];

  const setup = async (options: { presenceRefreshMs?: number; timeoutMs?: number } = {}) => {
    const queue = `${uniqueName('rpcclient')}.rpc`;
    queues.push(queue);
    const service = await FakeService.start(queue);
    services.push(service);
    const client = new RpcClient({
      url: testAmqpUrl(),
      timeoutMs: options.timeoutMs ?? 5000,
      presenceRefreshMs: options.presenceRefreshMs,
    });
    clients.push(client);
    const pattern = rpcPattern<{ echo: unknown; requestId: string }>()(queue, 'test.echo', EchoRequest);
    return { queue, service, client, pattern };
  };

  beforeAll(async () => {
    admin = await amqplib.connect(testAmqpUrl());
    adminChannel = await admin.createChannel();
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    for (const service of services) await service.close();
    for (const queue of queues) await adminChannel.deleteQueue(queue).catch(() => undefined);
    await admin.close();
  });

  it('answers through the queue and forwards the request id in the message headers', async () => {
    const { client, pattern, service } = await setup();
    const c = ctx();
    await expect(client.call(pattern, { n: 1 }, c)).resolves.toEqual({ echo: { n: 1 }, requestId: c.requestId });
    expect(service.requestIds).toContain(c.requestId);
  });

  it('a service that stops consuming is answered 503 within a second, calls in flight included, under concurrent load', async () => {
    const { client, pattern, service } = await setup({ timeoutMs: 5000 });
    let stoppedAt = 0;
    // How long each failed call waited, counted from the stop for calls already in flight then.
    const failures: Array<{ status: number; code: string; waitedMs: number; beforeStop: boolean }> = [];
    let successes = 0;
    // 32 callers in a loop, each with its next call as soon as the previous one is answered.
    const loops = Array.from({ length: 32 }, async (_, i) => {
      for (let n = 0; ; n++) {
        const started = Date.now();
        const result = await outcome(client.call(pattern, { n: i * 1000 + n }, ctx()));
        if (result.ok) successes++;
        else
          failures.push({
            status: result.status,
            code: result.code,
            waitedMs: Date.now() - Math.max(started, stoppedAt),
            beforeStop: stoppedAt === 0,
          });
        if (stoppedAt && Date.now() - stoppedAt > 1500) return;
        // A 503 is answered without I/O: pause between retries (as a client would) instead of spinning.
        if (!result.ok) await new Promise((r) => setTimeout(r, 5));
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(successes).toBeGreaterThan(0);
    stoppedAt = Date.now();
    await service.stopConsuming();
    await Promise.all(loops);

    expect(failures.filter((f) => f.beforeStop)).toEqual([]);
    expect(failures.length).toBeGreaterThan(32);
    expect(failures.filter((f) => f.status !== 503 || f.code !== 'service_unavailable')).toEqual([]);
    // Calls the service held when it stopped, and calls made after, all answered well before their 5 s timeout.
    expect(failures.reduce((max, f) => Math.max(max, f.waitedMs), 0)).toBeLessThan(1000);
  });

  it('a service that comes back is used again within a second', async () => {
    const { client, pattern, service } = await setup();
    await expect(client.call(pattern, { n: 1 }, ctx())).resolves.toMatchObject({ echo: { n: 1 } });
    await service.stopConsuming();
    const down = Date.now();
    let status: number | undefined;
    while (Date.now() - down < 2000) {
      const result = await outcome(client.call(pattern, { n: 2 }, ctx()));
      if (!result.ok) {
        status = result.status;
        break;
      }
    }
    expect(status).toBe(503);

    await service.consume();
    const back = Date.now();
    let servedAfterMs: number | undefined;
    while (Date.now() - back < 3000) {
      const result = await outcome(client.call(pattern, { n: 3 }, ctx()));
      if (result.ok) {
        servedAfterMs = Date.now() - back;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(servedAfterMs).toBeDefined();
    expect(servedAfterMs!).toBeLessThan(1000);
  });

  it('a request to a queue deleted since the last presence check comes back from the broker as a 503 at once', async () => {
    // A refresh far in the future: only the broker's return of the unroutable request can answer quickly.
    const { client, pattern, queue, service } = await setup({ presenceRefreshMs: 60_000, timeoutMs: 5000 });
    await expect(client.call(pattern, { n: 1 }, ctx())).resolves.toMatchObject({ echo: { n: 1 } });
    await service.close();
    await adminChannel.deleteQueue(queue);
    const started = Date.now();
    await expect(client.call(pattern, { n: 2 }, ctx())).rejects.toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a service that takes a request and never answers is a 504 after the timeout', async () => {
    const { client, pattern, service } = await setup({ timeoutMs: 400 });
    await service.stopConsuming();
    const channel = await admin.createChannel();
    try {
      await channel.consume(pattern.queue, () => undefined, { noAck: false }); // takes, never answers
      await new Promise((r) => setTimeout(r, 600)); // the presence refresh sees this consumer
      await expect(client.call(pattern, { n: 1 }, ctx())).rejects.toMatchObject({ status: 504, code: 'gateway_timeout' });
    } finally {
      await channel.close();
    }
  });

  it('a dropped broker connection fails the calls in flight with 503 at once, and calls work again once it is back', async () => {
    const { client, pattern } = await setup({ timeoutMs: 5000 });
    await expect(client.call(pattern, { n: 1 }, ctx())).resolves.toMatchObject({ echo: { n: 1 } });
    const inFlight = Promise.all(Array.from({ length: 10 }, (_, n) => outcome(client.call(pattern, { n }, ctx()))));
    // The socket under the client's connection dies (a network cut); amqp-connection-manager reconnects after a second.
    const manager = (client as unknown as { connection: { connection?: { connection: { stream: { destroy(error: Error): void } } } } })
      .connection;
    const cut = Date.now();
    manager.connection!.connection.stream.destroy(Object.assign(new Error('connection reset'), { code: 'ECONNRESET' }));
    const results = await inFlight;
    expect(Date.now() - cut).toBeLessThan(1000);
    expect(results.filter((r) => r.ok || r.status !== 503)).toEqual([]);

    let back: number | undefined;
    while (Date.now() - cut < 10_000) {
      if ((await outcome(client.call(pattern, { n: 2 }, ctx()))).ok) {
        back = Date.now() - cut;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(back).toBeDefined();
  });
});
