import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';

interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

const names = new Map<string, string>();

/** One name per statement text (pg refuses a name reused for other text on a connection). */
function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `fpms_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
  }
  return name;
}

/**
 * A hot statement that PostgreSQL parses and plans once per connection instead of on
 * every call (a named prepared statement; after five executions PostgreSQL may keep a
 * generic plan). Under RLS the planning is most of a primary-key lookup's cost: the
 * policies are expanded into the query each time. Runs on the transaction's own
 * connection, so it sees the transaction and its tenant settings exactly as
 * `manager.query` would; it only skips TypeORM's per-query wrapping. Errors are the
 * driver's own (pg's error with its SQLSTATE `code`).
 *
 * For statements that name their columns: a prepared `select *` fails ("cached plan must
 * not change result type") once a migration adds a column under a running service.
 */
export async function preparedQuery<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const runner = manager.queryRunner;
  if (!runner || runner.isReleased) return manager.query(sql, params);
  const client = (await runner.connect()) as PgClient;
  const result = await client.query({ name: statementName(sql), text: sql, values: params });
  return result.rows as T[];
}
