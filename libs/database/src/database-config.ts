import { z } from 'zod';
import { env } from '@fpms/common/config/load-config';

/**
 * Database settings of one service, from its environment. The runtime user is subject
 * to RLS; the system user (BYPASSRLS) is optional for services that never cross tenants.
 */
export const databaseEnvSchema = z.object({
  DB_HOST: env.string('127.0.0.1'),
  DB_PORT: env.port(5432),
  DB_NAME: env.string(),
  DB_USER: env.string(),
  DB_PASSWORD: z.string().default(''),
  DB_SYSTEM_USER: env.string(),
  DB_SYSTEM_PASSWORD: z.string().default(''),
  DB_POOL_SIZE: env.positiveInt(10),
});

export type DatabaseEnv = z.infer<typeof databaseEnvSchema>;

export interface DatabaseConfig {
  host: string;
  port: number;
  database: string;
  runtime: { user: string; password: string };
  system: { user: string; password: string };
  poolSize: number;
}

export function databaseConfigFromEnv(e: DatabaseEnv): DatabaseConfig {
  return {
    host: e.DB_HOST,
    port: e.DB_PORT,
    database: e.DB_NAME,
    runtime: { user: e.DB_USER, password: e.DB_PASSWORD },
    system: { user: e.DB_SYSTEM_USER, password: e.DB_SYSTEM_PASSWORD },
    poolSize: e.DB_POOL_SIZE,
  };
}
