import { randomBytes } from 'node:crypto';

/**
 * Connection settings for tests. `npm test` runs every test in a throwaway RabbitMQ vhost
 * and throwaway databases (see tools/bootstrap/test.js) and passes them in through these
 * variables; a test started on its own falls back to the local defaults.
 */
export function testAmqpUrl(): string {
  return process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
}

export interface AdminPgConfig {
  host: string;
  port: number;
  user: string;
  password: string;
}

export function adminPgConfig(): AdminPgConfig {
  return {
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PG_ADMIN_USER ?? 'postgres',
    password: process.env.PG_ADMIN_PASSWORD ?? 'postgres',
  };
}

/** Database name prefix of this test run (`fpms_t<run>`), or `fpms_test` when run alone. */
export function testDbPrefix(): string {
  return process.env.FPMS_DB_PREFIX ?? 'fpms_test';
}

/** A short unique name for queues, tables and databases created by one test. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
