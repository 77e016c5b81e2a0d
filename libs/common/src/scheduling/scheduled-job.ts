import { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from './periodic-task';

/**
 * A job every replica of a service runs on a schedule (purges, janitors, timers): started
 * with the application, stopped (and awaited) with it. Safety across replicas is the
 * subclass's business (SKIP LOCKED, advisory locks); this class only owns the schedule.
 */
export abstract class ScheduledJob<T> implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly schedule: PeriodicTask<T>;

  /** A non-positive interval disables the schedule; `runOnce()` still works. */
  protected constructor(name: string, intervalMs: number) {
    this.schedule = new PeriodicTask(name, intervalMs, () => this.round());
  }

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
  }

  /** One round now (tests call it after moving their clock); shares a round in progress. */
  runOnce(): Promise<T> {
    return this.schedule.runNow();
  }

  protected abstract round(): Promise<T>;
}

/**
 * Deletes in short chunks (each its own transaction) until a chunk deletes nothing, or
 * answers `null`: another replica holds the job's lock and this round gives way.
 */
export async function deleteInChunks(chunk: () => Promise<number | null>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await chunk();
    if (deleted === null || deleted === 0) return total;
    total += deleted;
  }
}
