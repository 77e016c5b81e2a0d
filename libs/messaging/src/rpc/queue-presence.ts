export interface QueuePresenceOptions {
  /** Declares the queue (idempotently) and answers its consumer count: one broker round trip. */
  declare(queue: string): Promise<number>;
  /** How often the consumer count of each queue in use is asked again, in the background. */
  refreshMs: number;
  /** A queue not called for this long is no longer refreshed; its next call asks the broker first. */
  idleMs: number;
  /** A refresh found no consumer: requests already sent to this queue will not be answered. */
  onNoConsumers(queue: string): void;
}

interface Entry {
  consumers: number | undefined;
  lastUsed: number;
  checking?: Promise<void>;
}

/**
 * Whether anyone consumes a queue, known without a broker round trip per call while it is
 * served: the first call to a queue asks (every caller arriving meanwhile waits for that one
 * answer), then a timer asks again every `refreshMs` while the queue is in use. A consumer
 * that vanishes is noticed within one refresh: `onNoConsumers` lets the caller fail the
 * requests it already sent, and from then on each call asks the broker again until a
 * consumer is back, so the first call after a replica starts already reaches it.
 */
export class QueuePresence {
  private readonly queues = new Map<string, Entry>();
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: QueuePresenceOptions) {}

  /** Rejects (with the declare's error) only when the queue was never asked and the broker cannot be. */
  async isServed(queue: string): Promise<boolean> {
    let entry = this.queues.get(queue);
    if (!entry) {
      entry = { consumers: undefined, lastUsed: Date.now() };
      this.queues.set(queue, entry);
    }
    entry.lastUsed = Date.now();
    // Only a "yes" is answered from the cache. While no consumer is known the broker is asked
    // again (callers arriving meanwhile share the one answer): a replica that starts is used by
    // the very next call, and an outage costs a round trip per call, not the hot path.
    if (!entry.consumers) await this.refresh(queue, entry, true);
    this.schedule();
    return (entry.consumers ?? 0) > 0;
  }

  /** The broker said the queue is gone (a returned message): nobody consumes it until a refresh says otherwise. */
  markGone(queue: string): void {
    const entry = this.queues.get(queue);
    if (entry) entry.consumers = 0;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.tick(), this.options.refreshMs);
    this.timer.unref();
  }

  private tick(): void {
    const now = Date.now();
    for (const [queue, entry] of this.queues) {
      if (now - entry.lastUsed > this.options.idleMs) this.queues.delete(queue);
      else void this.refresh(queue, entry, false);
    }
    if (this.queues.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private refresh(queue: string, entry: Entry, rethrow: boolean): Promise<void> {
    entry.checking ??= this.options
      .declare(queue)
      .then((consumers) => {
        entry.consumers = consumers;
        if (consumers === 0) this.options.onNoConsumers(queue);
      })
      .finally(() => (entry.checking = undefined));
    // A background refresh that fails keeps the last answer: a lost broker connection is
    // handled on its own (every call checks the connection, and calls in flight fail at once).
    return rethrow ? entry.checking : entry.checking.catch(() => undefined);
  }
}
