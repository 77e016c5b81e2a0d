import { EntityManager } from 'typeorm';

/**
 * Rows of an UPDATE/DELETE ... RETURNING. TypeORM's plain `manager.query` answers
 * `[rows, rowCount]` for those statements (but just `rows` for SELECT/INSERT); the
 * structured result is unambiguous.
 */
export async function queryReturning<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('queryReturning needs a transaction-bound manager');
  const result = await runner.query(sql, params, true);
  return (result.records ?? []) as T[];
}
