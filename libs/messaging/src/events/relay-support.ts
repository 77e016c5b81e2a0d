import type { ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';

/** Rejects with `message` if `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Exponential back-off: base, 2×base, 4×base... capped. `failures` counts from 1. */
export function backoffDelay(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
}

/**
 * A sleep that `wake()` can cut short. A wake that arrives while nobody sleeps is
 * remembered, so a notification landing mid-batch is not lost until the next poll.
 */
export class Waker {
  private pending = false;
  private current?: { done: () => void; interruptible: boolean };

  /** Forget earlier wakes: called right before reading, since that read sees what they announced. */
  clear(): void {
    this.pending = false;
  }

  wake(): void {
    this.pending = true;
    if (this.current?.interruptible) this.current.done();
  }

  /** Ends any sleep, interruptible or not (used by stop()). */
  interrupt(): void {
    this.current?.done();
  }

  sleep(ms: number, interruptible = true): Promise<void> {
    if (interruptible && this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.current === entry) this.current = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      const entry = { done, interruptible };
      this.current = entry;
    });
  }
}

/** pg settings for a dedicated LISTEN connection, derived from a TypeORM postgres DataSource. */
export function listenerClientConfig(dataSource: DataSource, applicationName: string): ClientConfig | undefined {
  if (dataSource.options.type !== 'postgres') return undefined;
  const options = dataSource.options as PostgresDataSourceOptions;
  const o = options.replication?.master ?? options;
  return {
    connectionString: o.url,
    host: o.host,
    port: o.port,
    user: o.username,
    password: o.password as ClientConfig['password'],
    database: o.database,
    ssl: o.ssl as ClientConfig['ssl'],
    application_name: applicationName,
    connectionTimeoutMillis: 5000,
    keepAlive: true,
  };
}
