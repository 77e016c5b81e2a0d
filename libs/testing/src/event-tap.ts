import * as amqplib from 'amqplib';
import { testAmqpUrl, uniqueName } from './env';

export interface TappedEvent {
  routingKey: string;
  messageId?: string;
  body: { type: string; aggregateId: string; tenant: { accountId: string; workspaceId?: string }; data: unknown };
}

/**
 * Listens on the events exchange with a private queue, so a test can assert exactly
 * which events an action published.
 */
export async function tapEvents(bindingKeys: string[], options: { amqpUrl?: string; exchange?: string } = {}) {
  const exchange = options.exchange ?? 'fpms.events';
  const connection = await amqplib.connect(options.amqpUrl ?? testAmqpUrl());
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue(uniqueName('tap'), { exclusive: true, autoDelete: true });
  for (const key of bindingKeys) await channel.bindQueue(queue, exchange, key);
  const events: TappedEvent[] = [];
  await channel.consume(
    queue,
    (msg) => {
      if (!msg) return;
      events.push({ routingKey: msg.fields.routingKey, messageId: msg.properties.messageId, body: JSON.parse(msg.content.toString()) });
    },
    { noAck: true },
  );
  return {
    events,
    /** Waits until `predicate` holds for the tapped events, or fails after `timeoutMs`. */
    async waitFor(predicate: (events: TappedEvent[]) => boolean, timeoutMs = 10000): Promise<TappedEvent[]> {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(events)) {
        if (Date.now() > deadline)
          throw new Error(`events did not arrive in ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.routingKey))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return events;
    },
    async close() {
      await channel.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
    },
  };
}
