import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import * as amqp from 'amqp-connection-manager';
import type { Channel, ChannelModel, ConsumeMessage, Message } from 'amqplib';
import { AppError } from '@fpms/common/errors/app-error';
import { Metrics, secondsSince } from '@fpms/common/metrics/metrics';
import { Tracing } from '@fpms/common/tracing/tracing';
import { CommonErrorCode } from '@fpms/contracts/errors/common.errors';
import { RpcContext } from '@fpms/contracts/rpc/rpc-context';
import { RequestClass, RpcPattern, RpcRequest, RpcResponse } from '@fpms/contracts/rpc/rpc-pattern';
import type { QueueType } from '../queue-type';
import { QueuePresence } from './queue-presence';
import { DIRECT_REPLY_TO, RpcChannelPool } from './rpc-channel-pool';
import { rpcClientMetrics } from './rpc.metrics';

export interface RpcClientOptions {
  url: string;
  /** Default per-call timeout (DESIGN §3: 5 s → HTTP 504). */
  timeoutMs?: number;
  /** How often the consumer count of each queue in use is refreshed in the background (a vanished service is 503 within this). */
  presenceRefreshMs?: number;
  /** Channels requests are published on, round robin. */
  channels?: number;
  /** The servers' queue type: the presence check declares their queues with the same arguments. */
  queueType?: QueueType;
  /** Where call latencies, timeouts and 503s are recorded (default: nowhere scraped). */
  metrics?: Metrics;
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
  queue: string;
  channel: Channel;
}

const serviceOf = (queue: string) => queue.replace(/\.rpc$/, '');
const unavailable = (queue: string, details: Record<string, unknown> = {}) =>
  new AppError(503, CommonErrorCode.ServiceUnavailable, `The ${serviceOf(queue)} service is unavailable`, {
    service: serviceOf(queue),
    ...details,
  });

/**
 * Request/response over RabbitMQ to services running Nest's RMQ server (same wire format:
 * `{pattern, data, id}` in, `{response|err, isDisposed, id}` back through direct
 * reply-to). Written on amqp-connection-manager (reconnects) and amqplib channels instead
 * of Nest's ClientRMQ so that every call has a timeout (504), carries the request id (and,
 * tracing on, the W3C trace context) in headers, expires in the queue when the caller has
 * given up, and a service with no consumer answers 503 at once instead of waiting out the timeout.
 *
 * No broker round trip happens per call besides the request itself: consumer presence is
 * cached per queue and refreshed in the background (QueuePresence); requests already sent
 * to a queue whose consumers vanished fail with 503 at the next refresh; requests are
 * published `mandatory`, so one to a queue that does not exist comes back at once (503).
 */
export class RpcClient {
  private readonly logger = new Logger(RpcClient.name);
  private readonly connection: amqp.AmqpConnectionManager;
  private readonly pool: RpcChannelPool;
  private readonly presence: QueuePresence;
  private readonly pending = new Map<string, PendingCall>();
  private readonly timeoutMs: number;
  private readonly metrics: ReturnType<typeof rpcClientMetrics>;

  constructor(options: RpcClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.metrics = rpcClientMetrics(options.metrics ?? Metrics.detached());
    this.pool = new RpcChannelPool(options.channels ?? 2, options.queueType ?? 'classic', {
      onReply: (msg) => this.onReply(msg),
      onReturn: (msg) => this.onReturn(msg),
      onLost: (channel) =>
        this.failWhere(
          (call) => call.channel === channel,
          () => this.brokerLost(),
        ),
    });
    const refreshMs = options.presenceRefreshMs ?? 250;
    this.presence = new QueuePresence({
      declare: (queue) => this.pool.consumerCount(queue),
      refreshMs,
      idleMs: Math.max(30_000, refreshMs * 4),
      onNoConsumers: (queue) =>
        this.failWhere(
          (call) => call.queue === queue,
          () => unavailable(queue),
        ),
    });
    this.connection = amqp.connect([options.url], {
      heartbeatIntervalInSeconds: 5,
      reconnectTimeInSeconds: 1,
      // Small request/reply frames: Nagle's algorithm would hold them back waiting for ACKs.
      connectionOptions: { noDelay: true },
    });
    this.connection.on('connect', ({ connection }) => {
      // amqp-connection-manager's types predate amqplib 2, whose connect() resolves to this ChannelModel.
      this.pool
        .open(connection as unknown as ChannelModel)
        .catch((error: Error) => this.logger.warn(`could not open RPC channels: ${error.message}`));
    });
    this.connection.on('disconnect', ({ err }) => {
      this.logger.warn(`broker connection lost: ${err?.message ?? 'closed'}`);
      this.pool.reset();
      // Replies come back on this connection's channels: calls in flight can no longer be
      // answered. Fail them now as retryable instead of letting them run into the timeout.
      this.failWhere(
        () => true,
        () => this.brokerLost(),
      );
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
    const started = process.hrtime.bigint();
    // Tracing on: a client span, whose context the request carries to the server (W3C headers).
    const span = Tracing.startSpan(pattern.pattern, {
      kind: 'client',
      attributes: {
        'rpc.system': 'fpms-rmq',
        'rpc.method': pattern.pattern,
        'messaging.system': 'rabbitmq',
        'messaging.destination.name': pattern.queue,
        'fpms.request_id': ctx.requestId,
      },
    });
    const headers: Record<string, unknown> = { 'x-request-id': ctx.requestId };
    span?.inject(headers);
    try {
      const response = await this.send(pattern, data, ctx, headers, options);
      this.metrics.duration.observe({ pattern: pattern.pattern, status: '200' }, secondsSince(started));
      span?.end();
      return response;
    } catch (error) {
      const status = error instanceof AppError ? error.status : 500;
      this.metrics.duration.observe({ pattern: pattern.pattern, status: String(status) }, secondsSince(started));
      if (status === 504) this.metrics.timeouts.inc({ pattern: pattern.pattern });
      if (status === 503) this.metrics.unavailable.inc({ pattern: pattern.pattern });
      // A 4xx is the service's answer, not a failure of the call.
      span?.setAttributes({ 'fpms.status': status, 'fpms.error_code': error instanceof AppError ? error.code : undefined });
      span?.end(status >= 500 ? error : undefined);
      throw error;
    }
  }

  private async send<P extends RpcPattern<RequestClass, unknown>>(
    pattern: P,
    data: RpcRequest<P>,
    ctx: RpcContext,
    headers: Record<string, unknown>,
    options: { timeoutMs?: number },
  ): Promise<RpcResponse<P>> {
    const queue = pattern.queue;
    const service = serviceOf(queue);
    let channel = this.connection.isConnected() ? this.pool.pick() : undefined;
    if (!channel) {
      // Just started or reconnecting: give the connection a moment before answering 503.
      await this.pool.waitForChannel(1000);
      channel = this.connection.isConnected() ? this.pool.pick() : undefined;
    }
    if (!channel) throw new AppError(503, CommonErrorCode.ServiceUnavailable, 'Message broker is unavailable', { service });
    const served = await this.presence.isServed(queue).catch((error: Error) => {
      throw new AppError(503, CommonErrorCode.ServiceUnavailable, 'Message broker is unavailable', { service, reason: error.message });
    });
    if (!served) throw unavailable(queue);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const id = randomUUID();
    const body = Buffer.from(JSON.stringify({ pattern: pattern.pattern, data: { ctx, data }, id }));
    return new Promise<RpcResponse<P>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AppError(504, CommonErrorCode.GatewayTimeout, `The ${service} service did not answer in time`, { service, timeoutMs }));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, queue, channel });
      try {
        channel.sendToQueue(queue, body, {
          replyTo: DIRECT_REPLY_TO,
          correlationId: id,
          contentType: 'application/json',
          // A request nobody picked up before the caller gave up is dropped, not run late.
          expiration: String(timeoutMs),
          headers,
          // No queue by that name: the broker hands the request back (onReturn) instead of dropping it.
          mandatory: true,
        });
      } catch (error) {
        this.settle(id, undefined, this.brokerLost((error as Error).message, service));
      }
    });
  }

  async close(): Promise<void> {
    this.presence.close();
    this.failWhere(
      () => true,
      () => new AppError(503, CommonErrorCode.ServiceUnavailable, 'Shutting down'),
    );
    await this.pool.close();
    await this.connection.close().catch(() => undefined);
  }

  private brokerLost(reason?: string, service?: string): AppError {
    return new AppError(
      503,
      CommonErrorCode.ServiceUnavailable,
      reason ? 'Message broker is unavailable' : 'Message broker connection lost',
      {
        dependency: 'broker',
        retryable: true,
        ...(service ? { service } : {}),
        ...(reason ? { reason } : {}),
      },
    );
  }

  private failWhere(match: (call: PendingCall) => boolean, error: () => AppError): void {
    for (const [id, call] of this.pending) if (match(call)) this.settle(id, undefined, error());
  }

  private onReturn(msg: Message): void {
    const id = msg.properties.correlationId as string | undefined;
    const call = id ? this.pending.get(id) : undefined;
    if (!call) return;
    this.presence.markGone(call.queue);
    this.settle(id!, undefined, unavailable(call.queue));
  }

  private onReply(msg: ConsumeMessage): void {
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
