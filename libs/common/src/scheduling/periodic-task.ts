import { Logger } from '@nestjs/common';
import { RequestContext } from '../logging/request-context';

/**
 * Runs `work` every `intervalMs` in the background, never two runs at once, measuring the
 * interval from the end of one run to the start of the next. `runNow()` shares a run in
 * progress (tests call it after moving their clock); `stop()` waits for it to finish.
 * Errors are logged and the schedule goes on. Each run has a request id of its own, which
 * its log lines and the events it writes carry (and their consumers after them).
 */
export class PeriodicTask<T> {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private running?: Promise<T>;

  constructor(
    name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<T>,
  ) {
    this.logger = new Logger(name);
  }

  /** A non-positive interval disables the schedule; runNow() still works. */
  start(): void {
    if (this.intervalMs <= 0) return;
    this.stopped = false;
    this.schedule();
  }

  runNow(): Promise<T> {
    if (!this.running) this.running = RequestContext.runFresh(() => this.work()).finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.runNow()
        .catch((error: Error) => this.logger.error(`run failed: ${error.message}`))
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, this.intervalMs);
    this.timer.unref();
  }
}
