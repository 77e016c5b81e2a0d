import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PeriodicTask } from '@fpms/common/scheduling/periodic-task';
import { SYSTEM_DATA_SOURCE } from './database.module';
import { IDEMPOTENCY_TABLE, IDEMPOTENCY_TTL_HOURS } from './idempotency';
import { writeQuery } from './write-query';

const INTERVAL_MS = 3600_000;
const BATCH = 1000;

/**
 * Deletes idempotency keys past their 24 h, hourly, in every service that stores them.
 * Lookups already ignore expired rows; this only keeps the table (and stored answers,
 * which may hold an invitation's token) from outliving their purpose. Cross-tenant by
 * nature, so on the system pool; batches under SKIP LOCKED, so replicas share the work.
 */
@Injectable()
export class IdempotencyKeysPurge implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyKeysPurge.name);
  private readonly schedule = new PeriodicTask(IdempotencyKeysPurge.name, INTERVAL_MS, () => this.purge());

  constructor(@InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource) {}

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
  }

  /** One purge now (tests); answers how many rows went. */
  runNow(): Promise<number> {
    return this.schedule.runNow();
  }

  private async purge(): Promise<number> {
    let total = 0;
    for (;;) {
      const { affected: deleted } = await writeQuery(
        this.system,
        `delete from ${IDEMPOTENCY_TABLE} where ctid = any(array(
           select ctid from ${IDEMPOTENCY_TABLE} where created_at <= now() - interval '${IDEMPOTENCY_TTL_HOURS} hours'
           limit ${BATCH} for update skip locked))`,
      );
      total += deleted;
      if (deleted < BATCH) break;
    }
    if (total > 0) this.logger.log(`purged ${total} expired idempotency keys`);
    return total;
  }
}
