import { RmqContext, ServerRMQ } from '@nestjs/microservices';
import type { Channel, Message } from 'amqplib';

const NO_MESSAGE_HANDLER = 'There is no matching message handler defined in the remote service.';

/**
 * Nest's RMQ server with `noAck: false` never acks request/response messages itself.
 * This one acks each request once its reply has been handed to the broker, so a service
 * that dies mid-request leaves the request to be redelivered to another replica. The
 * reply goes out on the amqplib channel the request came in on (one synchronous write),
 * not through amqp-connection-manager's publish queue: a reply that cannot be written is
 * lost with its unacked request, which the broker redelivers.
 */
export class AckingRmqServer extends ServerRMQ {
  /**
   * Our patterns are plain strings, which are their own routes: look them up directly.
   * Nest's lookup first tries `JSON.parse` on the pattern, i.e. throws and catches a
   * SyntaxError on every message.
   */
  override getHandlerByPattern(pattern: string): ReturnType<ServerRMQ['getHandlerByPattern']> {
    return this.messageHandlers.get(pattern) ?? super.getHandlerByPattern(pattern);
  }

  override sendMessage<T>(message: T, replyTo: unknown, correlationId: string, context: RmqContext): void {
    const channel = context.getChannelRef() as Channel;
    const outgoing = this.serializer.serialize(message as Parameters<typeof this.serializer.serialize>[0]) as {
      options?: Record<string, unknown>;
    };
    const { options, ...packet } = outgoing;
    this.onProcessingEndHook?.(this.transportId, context);
    try {
      channel.sendToQueue(replyTo as string, Buffer.from(JSON.stringify(packet)), { correlationId, ...options });
      // Nest already nacked requests for which it found no handler.
      if ((message as { err?: unknown }).err !== NO_MESSAGE_HANDLER) channel.ack(context.getMessage() as Message);
    } catch {
      // The channel closed since delivery: the broker redelivers, nothing to do here.
    }
  }
}
