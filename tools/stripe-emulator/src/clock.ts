/**
 * The emulator's notion of "now". Everything time-based (object `created`, balance
 * availability, checkout expiry, subscription renewals, webhook retry backoff, payout
 * arrival) reads this clock and schedules on it, so a test can jump days ahead with
 * `advance()` instead of waiting. By default it runs in step with wall time from an
 * offset; `frozen` makes it move only when advanced.
 */
export interface ClockOptions {
  /** Unix seconds to start at (default: wall time). */
  start?: number;
  /** When true, time only moves through `advance()` / `setTime()`. */
  frozen?: boolean;
}

type Task = { id: number; at: number; run: () => unknown; label: string };

export class Clock {
  private offsetMs = 0;
  private frozenAtMs: number | null = null;
  private tasks: Task[] = [];
  private nextTaskId = 1;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;
  /** Promises of tasks started by the real-time timer, so callers can await idle. */
  private inFlight = new Set<Promise<unknown>>();

  constructor(options: ClockOptions = {}) {
    const wall = Date.now();
    if (options.start !== undefined) this.offsetMs = options.start * 1000 - wall;
    if (options.frozen) this.frozenAtMs = wall + this.offsetMs;
  }

  nowMs(): number {
    return this.frozenAtMs ?? Date.now() + this.offsetMs;
  }

  /** Unix seconds, as Stripe timestamps are. */
  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  get frozen(): boolean {
    return this.frozenAtMs !== null;
  }

  /** Runs `run` once the emulated time reaches `atMs`. Returns a cancel function. */
  schedule(atMs: number, label: string, run: () => unknown): () => void {
    const task: Task = { id: this.nextTaskId++, at: atMs, run, label };
    this.tasks.push(task);
    this.tasks.sort((a, b) => a.at - b.at || a.id - b.id);
    this.arm();
    return () => {
      this.tasks = this.tasks.filter((t) => t !== task);
      this.arm();
    };
  }

  pendingTasks(): Array<{ at: number; label: string }> {
    return this.tasks.map((t) => ({ at: t.at, label: t.label }));
  }

  /**
   * Moves time forward, running every task that falls due on the way, each at its own
   * due time and in order (a renewal at day 30 sees now = day 30 and schedules its
   * retries from there). Async tasks (webhook deliveries) are awaited, so by the time
   * this resolves, retries that fell inside the window have been attempted too.
   */
  async advance(seconds: number): Promise<void> {
    const target = this.nowMs() + Math.round(seconds * 1000);
    await this.runUntil(target);
    this.setNowMs(Math.max(target, this.nowMs()));
    this.arm();
  }

  async setTime(unixSeconds: number): Promise<void> {
    const target = unixSeconds * 1000;
    if (target > this.nowMs()) await this.runUntil(target);
    this.setNowMs(target);
    this.arm();
  }

  /** Waits until no timer-started task is running (used to drain webhook deliveries). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Drops every scheduled task (emulator reset). */
  clearTasks(): void {
    this.tasks = [];
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.tasks = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private setNowMs(ms: number): void {
    if (this.frozenAtMs !== null) this.frozenAtMs = ms;
    else this.offsetMs = ms - Date.now();
  }

  private async runUntil(targetMs: number): Promise<void> {
    // Wait for timer-started work first so its follow-ups (e.g. a retry) are scheduled.
    await this.idle();
    for (;;) {
      const next = this.tasks[0];
      if (!next || next.at > targetMs || this.stopped) break;
      this.tasks.shift();
      if (next.at > this.nowMs()) this.setNowMs(next.at);
      await Promise.allSettled([Promise.resolve().then(next.run)]);
      await this.idle();
    }
  }

  /** Keeps one real timer for the earliest task, so time passing naturally also fires tasks. */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped || this.tasks.length === 0) return;
    // A frozen clock still runs work that is already due (e.g. a fresh webhook delivery).
    if (this.frozenAtMs !== null && this.tasks[0].at > this.frozenAtMs) return;
    const delay = Math.max(0, Math.min(this.tasks[0].at - this.nowMs(), 2_147_000_000));
    this.timer = setTimeout(() => this.fireDue(), delay);
    this.timer.unref();
  }

  private fireDue(): void {
    this.timer = null;
    if (this.running) return;
    this.running = true;
    try {
      const now = this.nowMs();
      while (this.tasks.length > 0 && this.tasks[0].at <= now) {
        const task = this.tasks.shift()!;
        const p: Promise<unknown> = Promise.resolve()
          .then(task.run)
          .catch(() => undefined)
          .finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
      }
    } finally {
      this.running = false;
      this.arm();
    }
  }
}
