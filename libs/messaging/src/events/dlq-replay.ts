import * as amqplib from 'amqplib';
import { deadLetterQueueName, EventHeaders, republishHeaders } from './event-topology';

/** Set on a replayed copy: how many times it came back from the DLQ (for whoever investigates). */
export const REPLAY_COUNT_HEADER = 'x-replay-count';

export interface DlqReplayOptions {
  amqpUrl: string;
  /** The consumer queue (`workspace.events`) or its DLQ (`workspace.events.dlq`). */
  queue: string;
  /** At most this many messages; default: as many as the DLQ held when the replay started. */
  limit?: number;
  /** Called once per message moved (the CLI prints it). */
  onReplayed?: (message: { messageId: string | undefined; type: string | undefined; reason: unknown }) => void;
}

export interface DlqReplayResult {
  queue: string;
  dlq: string;
  replayed: number;
  /** Messages still in the DLQ afterwards. */
  remaining: number;
}

/** Headers of the dead-letter hop that must not follow the message back: it starts again with all its attempts. */
const DEAD_LETTER_HEADERS = [EventHeaders.Attempt, EventHeaders.LastError, EventHeaders.DeadLetterReason] as const;

/**
 * Moves dead-lettered messages back to their consumer queue, one at a time: take one from
 * the DLQ (unacked), send a copy (same body, messageId and headers, attempts reset) to the
 * queue through the default exchange on a confirm channel, and ack the DLQ copy only once
 * the broker confirmed the new one. A crash in between leaves the message in the DLQ (the
 * broker requeues the unacked copy) and possibly also in the queue: the consumer's inbox
 * drops the second delivery, so the event is applied once. The copy goes to the one
 * consumer queue, not the exchange: other consumers already applied the event.
 *
 * By default it stops after the number of messages the DLQ held at the start, so one that
 * fails again and comes back is not replayed in a loop.
 */
export async function replayDeadLetters(options: DlqReplayOptions): Promise<DlqReplayResult> {
  const queue = options.queue.replace(/\.dlq$/, '');
  const dlq = deadLetterQueueName(queue);
  const connection = await amqplib.connect(options.amqpUrl);
  // A failed check or publish rejects its own call; the 'error' events must not crash the process.
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    // Passive checks: a typo must fail here, never create a queue nobody consumes.
    await channel.checkQueue(queue);
    const { messageCount } = await channel.checkQueue(dlq);
    const limit = Math.min(options.limit ?? messageCount, messageCount);
    let replayed = 0;
    while (replayed < limit) {
      const message = await channel.get(dlq, { noAck: false });
      if (!message) break;
      try {
        await send(channel, queue, message);
      } catch (error) {
        // Back into the DLQ untouched; the replay stops so the operator sees why.
        channel.nack(message, false, true);
        throw error;
      }
      channel.ack(message);
      replayed += 1;
      options.onReplayed?.({
        messageId: message.properties.messageId as string | undefined,
        type: (message.properties.type ?? message.properties.headers?.[EventHeaders.OriginalRoutingKey]) as string | undefined,
        reason: message.properties.headers?.[EventHeaders.DeadLetterReason],
      });
    }
    const remaining = (await channel.checkQueue(dlq)).messageCount;
    await channel.close();
    return { queue, dlq, replayed, remaining };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

function send(channel: amqplib.ConfirmChannel, queue: string, message: amqplib.GetMessage): Promise<void> {
  const props = message.properties;
  const headers = republishHeaders(props.headers, {});
  for (const name of DEAD_LETTER_HEADERS) delete headers[name];
  headers[REPLAY_COUNT_HEADER] = Number(props.headers?.[REPLAY_COUNT_HEADER] ?? 0) + 1;
  return new Promise((resolve, reject) => {
    channel.sendToQueue(
      queue,
      message.content,
      {
        persistent: true,
        messageId: props.messageId,
        contentType: props.contentType,
        type: props.type,
        timestamp: props.timestamp,
        correlationId: props.correlationId,
        headers,
      },
      (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()),
    );
  });
}
