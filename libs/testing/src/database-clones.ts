import { Client } from 'pg';
import { serviceDatabaseName, ServiceName } from '@fpms/database';
import { adminPgConfig, testDbPrefix, uniqueName } from './env';

const SOURCE_IN_USE = '55006';

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ ...adminPgConfig(), database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Copies the run's migrated service databases (`CREATE DATABASE ... TEMPLATE`) under a
 * new prefix, so one in-process platform has databases of its own: its outbox relay must
 * not publish another test file's events into its own vhost. A template cannot be copied
 * while someone else is connected to it, so the copy is retried briefly.
 */
export async function cloneServiceDatabases(services: readonly ServiceName[]): Promise<{ prefix: string; drop(): Promise<void> }> {
  const source = testDbPrefix();
  const prefix = uniqueName(`${source}_p`).toLowerCase();
  for (const service of services) {
    const target = serviceDatabaseName(service, prefix);
    for (let attempt = 0; ; attempt++) {
      try {
        await adminQuery(`create database "${target}" template "${serviceDatabaseName(service, source)}"`);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== SOURCE_IN_USE || attempt >= 100) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  }
  return {
    prefix,
    async drop() {
      for (const service of services) await adminQuery(`drop database if exists "${serviceDatabaseName(service, prefix)}" with (force)`);
    },
  };
}
