import { randomUUID } from 'node:crypto';
import * as amqplib from 'amqplib';

const REPLY_QUEUE = 'amq.rabbitmq.reply-to';

/**
 * The least a request/reply over RabbitMQ can cost: plain amqplib, one channel, direct
 * reply-to, Nagle off. No timeouts, no presence checks: a floor, not a client.
 */
export class AmqpRequester {
  private readonly pending = new Map<string, (body: Buffer) => void>();

  private constructor(
    private readonly connection: amqplib.ChannelModel,
    private readonly channel: amqplib.Channel,
  ) {}

  static async connect(url: string): Promise<AmqpRequester> {
    const connection = await amqplib.connect(url, { noDelay: true });
    const channel = await connection.createChannel();
    const requester = new AmqpRequester(connection, channel);
    await channel.consume(REPLY_QUEUE, (msg) => msg && requester.onReply(msg), { noAck: true });
    return requester;
  }

  request(queue: string, body: Buffer, headers?: Record<string, string>): Promise<Buffer> {
    const id = randomUUID();
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.channel.sendToQueue(queue, body, { replyTo: REPLY_QUEUE, correlationId: id, contentType: 'application/json', headers });
    });
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }

  private onReply(msg: amqplib.ConsumeMessage): void {
    const id = msg.properties.correlationId as string;
    const resolve = this.pending.get(id);
    if (!resolve) return;
    this.pending.delete(id);
    resolve(msg.content);
  }
}

/**
 * `concurrency` loops, each sending its next request when the previous one is answered,
 * for `seconds`: the same closed loop autocannon runs over HTTP. Returns each latency (ms).
 */
export async function closedLoop(concurrency: number, seconds: number, send: () => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        await send();
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}
