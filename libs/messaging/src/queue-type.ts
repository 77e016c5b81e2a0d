/**
 * The kind of every durable queue the platform declares (event queues, their retry queues
 * and DLQs, RPC request queues). `quorum` replicates each queue over the broker cluster
 * (Raft), so a node can fail without losing messages; `classic` is the single-node default.
 * A queue's type is fixed when it is first declared: switching an existing vhost means
 * deleting its queues first (RabbitMQ refuses to redeclare with another type).
 */
export const QUEUE_TYPES = ['classic', 'quorum'] as const;
export type QueueType = (typeof QUEUE_TYPES)[number];

/** The queue arguments for `type`, merged with the queue's own (`x-message-ttl`, dead-lettering). */
export function durableQueueArguments(type: QueueType, own: Record<string, unknown> = {}): Record<string, unknown> {
  return type === 'quorum' ? { ...own, 'x-queue-type': 'quorum' } : own;
}

/** Nest token of the process's QueueType (provided by the platform module from AMQP_QUEUE_TYPE). */
export const AMQP_QUEUE_TYPE = Symbol('AMQP_QUEUE_TYPE');
