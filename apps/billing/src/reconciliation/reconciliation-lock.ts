import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';

// Two-int advisory key: billing's namespace, then the job. Session-level, held on one connection for the whole run.
const LOCK_NAMESPACE = 0x62696c6c; // 'bill'
const RECONCILIATION_LOCK = 1;

/** Exactly one reconciliation at a time across replicas: a PostgreSQL advisory lock, tried (never waited for). */
@Injectable()
export class ReconciliationLock {
  constructor(@InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource) {}

  /** Runs `work` holding the lock, or answers null at once when another run holds it. */
  async withLock<T>(work: () => Promise<T>): Promise<T | null> {
    const runner = this.system.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }]: Array<{ locked: boolean }> = await runner.query(`select pg_try_advisory_lock($1, $2) as locked`, [
        LOCK_NAMESPACE,
        RECONCILIATION_LOCK,
      ]);
      if (!locked) return null;
      try {
        return await work();
      } finally {
        await runner.query(`select pg_advisory_unlock($1, $2)`, [LOCK_NAMESPACE, RECONCILIATION_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }
}
