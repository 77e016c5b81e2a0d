import { Logger } from '@nestjs/common';
import type { Channel, ChannelModel, ConsumeMessage, Message } from 'amqplib';
import { durableQueueArguments, QueueType } from '../queue-type';

export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

export interface RpcChannelHandlers {
  onReply(message: ConsumeMessage): void;
  /** A `mandatory` request the broker could not route (its queue does not exist). */
  onReturn(message: Message): void;
  /** The channel closed: replies to requests sent on it can no longer arrive. */
  onLost(channel: Channel): void;
}

/**
 * The channels an RPC client publishes on, opened on each (re)connection: `size` request
 * channels, each consuming its own direct reply-to (RabbitMQ answers on the channel that
 * asked), used round robin so that no single channel serialises every request, and one
 * control channel for queue declarations. Publishing goes straight to amqplib's channel:
 * one synchronous write, no promise or queue per message.
 */
export class RpcChannelPool {
  private readonly logger = new Logger(RpcChannelPool.name);
  private model?: ChannelModel;
  private channels: Channel[] = [];
  private control?: Promise<Channel>;
  private next = 0;
  private closing = false;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly size: number,
    private readonly queueType: QueueType,
    private readonly handlers: RpcChannelHandlers,
  ) {}

  /** A new broker connection: the old channels died with the old one. */
  async open(model: ChannelModel): Promise<void> {
    this.model = model;
    model.once('close', () => {
      if (this.model === model) this.reset();
    });
    this.channels = [];
    this.control = undefined;
    await Promise.all(Array.from({ length: this.size }, () => this.openRequestChannel(model)));
  }

  /** The connection dropped: nothing is open until the next `open`. */
  reset(): void {
    this.model = undefined;
    this.channels = [];
    this.control = undefined;
  }

  /** Round robin over the open request channels; undefined while none is open. */
  pick(): Channel | undefined {
    if (this.channels.length === 0) return undefined;
    this.next = (this.next + 1) % this.channels.length;
    return this.channels[this.next];
  }

  /** Resolves once a request channel is open, or after `ms`. */
  async waitForChannel(ms: number): Promise<void> {
    if (this.channels.length > 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  /** Declares a queue with the servers' options (idempotent) and returns its consumer count. */
  async consumerCount(queue: string): Promise<number> {
    const channel = await this.controlChannel();
    const { consumerCount } = await channel.assertQueue(queue, { durable: true, arguments: durableQueueArguments(this.queueType) });
    return consumerCount;
  }

  async close(): Promise<void> {
    this.closing = true;
    const open = [...this.channels, ...(this.control ? [await this.control.catch(() => undefined)] : [])];
    this.reset();
    // A channel on a connection that died unnoticed would wait forever for the broker's close-ok.
    const bounded = (channel: Channel) =>
      Promise.race([channel.close().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
    await Promise.all(open.filter((c): c is Channel => c !== undefined).map(bounded));
  }

  private controlChannel(): Promise<Channel> {
    const model = this.model;
    if (!model) return Promise.reject(new Error('Message broker is not connected'));
    if (!this.control) {
      const opening = model.createChannel().then((channel) => {
        channel.on('error', (error: Error) => this.logger.warn(`control channel error: ${error.message}`));
        // A failed declaration (e.g. a queue declared with other arguments) closes the channel: open another next time.
        channel.on('close', () => {
          if (this.control === opening) this.control = undefined;
        });
        return channel;
      });
      opening.catch(() => {
        if (this.control === opening) this.control = undefined;
      });
      this.control = opening;
    }
    return this.control;
  }

  private async openRequestChannel(model: ChannelModel): Promise<void> {
    const channel = await model.createChannel();
    // Direct reply-to only works with noAck (RabbitMQ refuses acks on it). A lost reply
    // is a timed-out call (504), never a lost request: requests are acked by the server.
    await channel.consume(DIRECT_REPLY_TO, (msg) => msg && this.handlers.onReply(msg), { noAck: true });
    channel.on('return', (msg: Message) => this.handlers.onReturn(msg));
    channel.on('error', (error: Error) => this.logger.warn(`request channel error: ${error.message}`));
    channel.on('close', () => {
      const wasOpen = this.channels.includes(channel);
      this.channels = this.channels.filter((c) => c !== channel);
      this.handlers.onLost(channel);
      // Closed on its own while the connection lives: replace it. (When the connection is what
      // died, its own close follows at once and resets the pool; a reconnection reopens everything.)
      if (!wasOpen) return;
      setTimeout(() => {
        if (this.closing || this.model !== model) return;
        this.openRequestChannel(model).catch((error: Error) => this.logger.warn(`could not reopen a request channel: ${error.message}`));
      }, 100).unref();
    });
    if (this.model !== model || this.closing) {
      await channel.close().catch(() => undefined);
      return;
    }
    this.channels.push(channel);
    for (const wake of this.waiters.splice(0)) wake();
  }
}
