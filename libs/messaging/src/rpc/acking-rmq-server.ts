import { RmqContext, ServerRMQ } from '@nestjs/microservices';

const NO_MESSAGE_HANDLER = 'There is no matching message handler defined in the remote service.';

/**
 * Nest's RMQ server with `noAck: false` never acks request/response messages itself.
 * This one acks each request once its reply has been handed to the broker, so a service
 * that dies mid-request leaves the request to be redelivered to another replica.
 */
export class AckingRmqServer extends ServerRMQ {
  override sendMessage<T>(message: T, replyTo: unknown, correlationId: string, context: RmqContext): void {
    super.sendMessage(message, replyTo, correlationId, context);
    // Nest already nacked requests for which it found no handler.
    if ((message as { err?: unknown }).err === NO_MESSAGE_HANDLER) return;
    try {
      context.getChannelRef().ack(context.getMessage());
    } catch {
      // The channel closed since delivery: the broker redelivers, nothing to do here.
    }
  }
}
