import { DataSource, EntityManager } from 'typeorm';

export interface WriteResult<T> {
  /** The RETURNING rows (empty without a RETURNING clause). */
  rows: T[];
  /** How many rows the statement inserted, updated or deleted. */
  affected: number;
}

/**
 * Runs an INSERT/UPDATE/DELETE and answers its RETURNING rows and row count, the one way
 * the code reads what a write did. TypeORM's plain `query` answers `[rows, rowCount]` for
 * UPDATE and DELETE but just `rows` for SELECT and INSERT; the structured result used here
 * is the same for every statement. On a transaction-bound manager the statement runs in
 * that transaction; on a DataSource (or its unbound manager) on a pooled connection of its own.
 */
export async function writeQuery<T = never>(db: EntityManager | DataSource, sql: string, params: unknown[] = []): Promise<WriteResult<T>> {
  const bound = db instanceof EntityManager ? db.queryRunner : undefined;
  const runner = bound ?? (db instanceof EntityManager ? db.connection : db).createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return { rows: (result.records ?? []) as T[], affected: result.affected ?? 0 };
  } finally {
    if (!bound) await runner.release();
  }
}
