import { DEFAULT_EVENT_RETRY_DELAYS_MS, EVENTS_EXCHANGE, EventTopology } from '@fpms/contracts/events/event-topology';
import { durableQueueArguments, QueueType } from '../queue-type';

/**
 * Names, headers and retry arithmetic shared by the relay and the consumer, and the
 * queue declarations derived from the topology in libs/contracts. Pure code: no broker
 * or database here, so it is unit-tested on its own.
 */

/** The durable topic exchange every service publishes its events to (DESIGN §3). */
export const DEFAULT_EVENTS_EXCHANGE = EVENTS_EXCHANGE;

/** Postgres NOTIFY channel the outbox insert trigger signals, so a relay wakes at once. */
export const OUTBOX_NOTIFY_CHANNEL = 'fpms_outbox';

export const EventHeaders = {
  RequestId: 'x-request-id',
  /** Failed attempts so far; absent on the first delivery. */
  Attempt: 'x-attempt',
  LastError: 'x-last-error',
  DeadLetterReason: 'x-dead-letter-reason',
  /** The event's routing key, kept because a retry hop re-routes by queue name. */
  OriginalRoutingKey: 'x-original-routing-key',
  Consumer: 'x-consumer',
} as const;

export type DeadLetterReason = 'invalid-envelope' | 'invalid-payload' | 'max-attempts' | 'permanent-error';

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = DEFAULT_EVENT_RETRY_DELAYS_MS;

export interface RetryPolicy {
  /** Total handler attempts, the first delivery included. 1 = no retries. */
  maxAttempts: number;
  /** Delay before retry n is `retryDelaysMs[n-1]`; the last one repeats if attempts outnumber it. */
  retryDelaysMs: readonly number[];
}

export function retryQueueName(queue: string, n: number): string {
  return `${queue}.retry.${n}`;
}

export function deadLetterQueueName(queue: string): string {
  return `${queue}.dlq`;
}

/** Validates options and fills defaults (maxAttempts defaults to one more than the delays). */
export function resolveRetryPolicy(options: { maxAttempts?: number; retryDelaysMs?: readonly number[] }): RetryPolicy {
  const retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const maxAttempts = options.maxAttempts ?? retryDelaysMs.length + 1;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new Error(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  }
  for (const d of retryDelaysMs) {
    // x-message-ttl must be a non-negative integer; 0 would make retries spin hot.
    if (!Number.isInteger(d) || d < 1) throw new Error(`retry delays must be positive integers (ms), got ${d}`);
  }
  if (maxAttempts > 1 && retryDelaysMs.length === 0) {
    throw new Error('retryDelaysMs must not be empty when maxAttempts > 1');
  }
  return { maxAttempts, retryDelaysMs: [...retryDelaysMs] };
}

/** How many `<queue>.retry.<n>` queues the policy needs (one per distinct delay slot used). */
export function retryQueueCount(policy: RetryPolicy): number {
  return Math.min(policy.maxAttempts - 1, policy.retryDelaysMs.length);
}

export type FailureStep = { kind: 'retry'; queueIndex: number; delayMs: number } | { kind: 'dead-letter' };

/**
 * Where a message goes after its `attempt`-th handler attempt (1-based) failed: the next
 * retry queue, or the DLQ once attempts are used up. Each delay has its own queue because
 * a queue only expires messages at its head: one shared queue would make short delays wait
 * behind long ones.
 */
export function nextFailureStep(policy: RetryPolicy, attempt: number): FailureStep {
  if (attempt >= policy.maxAttempts) return { kind: 'dead-letter' };
  const queueIndex = Math.min(Math.max(attempt, 1), policy.retryDelaysMs.length);
  return { kind: 'retry', queueIndex, delayMs: policy.retryDelaysMs[queueIndex - 1] };
}

/**
 * Failed attempts recorded on a delivery. Headers come off the wire, so anything odd
 * (missing, negative, a string from another client) counts as "none" rather than throwing.
 */
export function attemptsFromHeaders(headers: Record<string, unknown> | undefined): number {
  const raw = headers?.[EventHeaders.Attempt];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Buffer.isBuffer(raw) ? Number(raw.toString()) : NaN;
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** Broker-added headers that describe earlier dead-letter hops; dropped when we republish. */
const BROKER_DEATH_HEADERS = new Set([
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
]);

/** Headers for a republished copy: the original ones (request id...) minus broker bookkeeping, plus `extra`. */
export function republishHeaders(original: Record<string, unknown> | undefined, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(original ?? {})) {
    if (!BROKER_DEATH_HEADERS.has(k)) out[k] = v;
  }
  return { ...out, ...extra };
}

/** Error text bounded so a huge stack or message cannot bloat every header it lands in. */
export function errorSummary(err: unknown, max = 1000): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Everything to declare on the broker: the exchange, queues with their arguments, bindings. */
export interface TopologyDeclarations {
  exchange: string;
  queues: Array<{ queue: string; arguments?: Record<string, unknown> }>;
  bindings: Array<{ queue: string; pattern: string }>;
}

/**
 * One consumer's queues: the main queue bound to its patterns, one retry queue per delay
 * (expired messages dead-letter through the default exchange straight back to the main
 * queue; nothing consumes the retry queues themselves), and the DLQ.
 */
export function consumerDeclarations(
  exchange: string,
  queue: string,
  bindings: readonly string[],
  policy: RetryPolicy,
  queueType: QueueType = 'classic',
): TopologyDeclarations {
  // Only the arguments a queue needs: classic queues without any, as declared before the switch existed.
  const declared = (name: string, own?: Record<string, unknown>) => {
    const args = durableQueueArguments(queueType, own);
    return Object.keys(args).length > 0 ? { queue: name, arguments: args } : { queue: name };
  };
  const queues: TopologyDeclarations['queues'] = [declared(queue)];
  for (let n = 1; n <= retryQueueCount(policy); n++) {
    queues.push(
      declared(retryQueueName(queue, n), {
        'x-message-ttl': policy.retryDelaysMs[n - 1],
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': queue,
      }),
    );
  }
  queues.push(declared(deadLetterQueueName(queue)));
  return { exchange, queues, bindings: bindings.map((pattern) => ({ queue, pattern })) };
}

/** The whole topology: what provisioning declares per vhost and every service at start. */
export function topologyDeclarations(topology: EventTopology, queueType: QueueType = 'classic'): TopologyDeclarations {
  const out: TopologyDeclarations = { exchange: topology.exchange, queues: [], bindings: [] };
  for (const def of Object.values(topology.consumers)) {
    const policy = resolveRetryPolicy({ retryDelaysMs: def.retryDelaysMs });
    const part = consumerDeclarations(topology.exchange, def.queue, def.bindings, policy, queueType);
    out.queues.push(...part.queues);
    out.bindings.push(...part.bindings);
  }
  return out;
}

/** The subset of an amqplib channel the declarations need (a raw or a confirm channel). */
export interface DeclaringChannel {
  assertExchange(exchange: string, type: string, options: { durable: boolean }): Promise<unknown>;
  assertQueue(queue: string, options: { durable: boolean; arguments?: Record<string, unknown> }): Promise<unknown>;
  bindQueue(queue: string, exchange: string, pattern: string): Promise<unknown>;
}

/** Declares everything (idempotent: re-declaring with the same arguments is a no-op). */
export async function declareTopology(ch: DeclaringChannel, d: TopologyDeclarations): Promise<void> {
  await ch.assertExchange(d.exchange, 'topic', { durable: true });
  for (const q of d.queues) {
    const args = q.arguments && Object.keys(q.arguments).length > 0 ? { arguments: q.arguments } : {};
    await ch.assertQueue(q.queue, { durable: true, ...args });
  }
  for (const b of d.bindings) await ch.bindQueue(b.queue, d.exchange, b.pattern);
}
