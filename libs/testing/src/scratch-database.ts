import { Client } from 'pg';
import { adminPgConfig, testDbPrefix, uniqueName } from './env';

export interface ScratchDatabase {
  name: string;
  host: string;
  port: number;
  user: string;
  password: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty database for one test file (owned by the admin user) and returns how
 * to reach it. Used by library tests that need tables of their own; service tests use the
 * run's provisioned databases instead.
 */
export async function createScratchDatabase(label: string): Promise<ScratchDatabase> {
  const admin = adminPgConfig();
  const name = uniqueName(`${testDbPrefix()}_${label}`).toLowerCase().slice(0, 63);
  const client = new Client({ ...admin, database: 'postgres' });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  return {
    name,
    ...admin,
    async drop() {
      const c = new Client({ ...admin, database: 'postgres' });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
