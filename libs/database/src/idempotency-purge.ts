import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { deleteInChunks, ScheduledJob } from '@fpms/common/scheduling/scheduled-job';
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
export class IdempotencyKeysPurge extends ScheduledJob<number> {
  private readonly logger = new Logger(IdempotencyKeysPurge.name);

  constructor(@InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource) {
    super(IdempotencyKeysPurge.name, INTERVAL_MS);
  }

  /** One purge; answers how many rows went. */
  protected async round(): Promise<number> {
    const total = await deleteInChunks(async () => {
      const { affected } = await writeQuery(
        this.system,
        `delete from ${IDEMPOTENCY_TABLE} where ctid = any(array(
           select ctid from ${IDEMPOTENCY_TABLE} where created_at <= now() - interval '${IDEMPOTENCY_TTL_HOURS} hours'
           limit ${BATCH} for update skip locked))`,
      );
      return affected;
    });
    if (total > 0) this.logger.log(`purged ${total} expired idempotency keys`);
    return total;
  }
}
