import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import * as amqp from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { AppError } from '@fpms/common/errors/app-error';
import { CommonErrorCode } from '@fpms/contracts/errors/common.errors';
import { RpcContext } from '@fpms/contracts/rpc/rpc-context';
import { RequestClass, RpcPattern, RpcRequest, RpcResponse } from '@fpms/contracts/rpc/rpc-pattern';

const REPLY_QUEUE = 'amq.rabbitmq.reply-to';

export interface RpcClientOptions {
  url: string;
  /** Default per-call timeout (DESIGN §3: 5 s → HTTP 504). */
  timeoutMs?: number;
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

/**
 * Request/response over RabbitMQ to services running Nest's RMQ server (same wire format:
 * `{pattern, data, id}` in, `{response|err, isDisposed, id}` back through direct
 * reply-to). Written on amqp-connection-manager instead of Nest's ClientRMQ so that every
 * call has a timeout, carries the request id in headers, expires in the queue when the
 * caller has given up, and a service with no consumer answers 503 at once instead of
 * waiting out the timeout.
 */
export class RpcClient {
  private readonly logger = new Logger(RpcClient.name);
  private readonly connection: amqp.AmqpConnectionManager;
  private readonly channel: amqp.ChannelWrapper;
  private readonly pending = new Map<string, PendingCall>();
  private readonly timeoutMs: number;

  constructor(options: RpcClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.connection = amqp.connect([options.url], { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1 });
    this.connection.on('disconnect', ({ err }) => {
      this.logger.warn(`broker connection lost: ${err?.message ?? 'closed'}`);
      // Replies come back on this connection's channel: calls in flight can no longer be
      // answered. Fail them now as retryable instead of letting them run into the timeout.
      for (const id of [...this.pending.keys()]) {
        this.settle(
          id,
          undefined,
          new AppError(503, CommonErrorCode.ServiceUnavailable, 'Message broker connection lost', {
            dependency: 'broker',
            retryable: true,
          }),
        );
      }
    });
    this.channel = this.connection.createChannel({
      json: false,
      confirm: false,
      // Direct reply-to only works with noAck (RabbitMQ refuses acks on it). A lost reply
      // is a timed-out call (504), never a lost request: requests are acked by the server.
      setup: (ch: ConfirmChannel) => ch.consume(REPLY_QUEUE, (msg) => this.onReply(msg), { noAck: true }),
    });
  }

  isConnected(): boolean {
    return this.connection.isConnected();
  }

  async call<P extends RpcPattern<RequestClass, unknown>>(
    pattern: P,
    data: RpcRequest<P>,
    ctx: RpcContext,
    options: { timeoutMs?: number } = {},
  ): Promise<RpcResponse<P>> {
    const service = pattern.queue.replace(/\.rpc$/, '');
    if (!this.connection.isConnected()) {
      // Just started or reconnecting: give the connection a moment before answering 503.
      await Promise.race([this.channel.waitForConnect(), new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    if (!this.connection.isConnected()) {
      throw new AppError(503, CommonErrorCode.ServiceUnavailable, 'Message broker is unavailable', { service });
    }
    if (!(await this.hasConsumers(pattern.queue))) {
      throw new AppError(503, CommonErrorCode.ServiceUnavailable, `The ${service} service is unavailable`, { service });
    }
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const id = randomUUID();
    const body = Buffer.from(JSON.stringify({ pattern: pattern.pattern, data: { ctx, data }, id }));
    return new Promise<RpcResponse<P>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AppError(504, CommonErrorCode.GatewayTimeout, `The ${service} service did not answer in time`, { service, timeoutMs }));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.channel
        .sendToQueue(pattern.queue, body, {
          replyTo: REPLY_QUEUE,
          correlationId: id,
          contentType: 'application/json',
          // A request nobody picked up before the caller gave up is dropped, not run late.
          expiration: String(timeoutMs),
          headers: { 'x-request-id': ctx.requestId },
        })
        .catch((error: Error) => {
          this.settle(
            id,
            undefined,
            new AppError(503, CommonErrorCode.ServiceUnavailable, 'Message broker is unavailable', { service, reason: error.message }),
          );
        });
    });
  }

  async close(): Promise<void> {
    for (const [id, call] of this.pending) {
      clearTimeout(call.timer);
      call.reject(new AppError(503, CommonErrorCode.ServiceUnavailable, 'Shutting down'));
      this.pending.delete(id);
    }
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }

  /**
   * Asked on every call, not cached: a cached "yes" would send requests to a service
   * that just went away and make the caller wait out the timeout. Declaring with the
   * servers' exact options is idempotent and answers the consumer count in one round trip.
   */
  private async hasConsumers(queue: string): Promise<boolean> {
    const { consumerCount } = await this.channel.assertQueue(queue, { durable: true });
    return consumerCount > 0;
  }

  private onReply(msg: ConsumeMessage | null): void {
    if (!msg) return;
    const id = msg.properties.correlationId as string | undefined;
    if (!id || !this.pending.has(id)) return; // late reply to a call that timed out
    let packet: { err?: unknown; response?: unknown; isDisposed?: boolean };
    try {
      packet = JSON.parse(msg.content.toString('utf8'));
    } catch {
      this.settle(id, undefined, new AppError(502, CommonErrorCode.Internal, 'Malformed reply from service'));
      return;
    }
    if (packet.err !== undefined && packet.err !== null) {
      const error = AppError.isWireError(packet.err)
        ? AppError.fromWire(packet.err)
        : new AppError(
            502,
            CommonErrorCode.Internal,
            'Service failed',
            typeof packet.err === 'string' ? { reason: packet.err } : undefined,
          );
      this.settle(id, undefined, error);
      return;
    }
    this.settle(id, packet.response);
  }

  private settle(id: string, value: unknown, error?: unknown): void {
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    clearTimeout(call.timer);
    if (error) call.reject(error);
    else call.resolve(value);
  }
}
