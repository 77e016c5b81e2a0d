import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@fpms/common/scheduling/clock';
import { ScheduledJob } from '@fpms/common/scheduling/scheduled-job';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { MessagingRetention, purgeMessagingTables } from '../events/housekeeping';

export const MESSAGING_HOUSEKEEPING_OPTIONS = Symbol('MESSAGING_HOUSEKEEPING_OPTIONS');

export interface MessagingHousekeepingOptions {
  /** 0 disables the schedule (runOnce still works). */
  intervalMs: number;
  retention: MessagingRetention;
}

/**
 * Purges the service's sent outbox rows and old inbox rows on a schedule, in every replica
 * (chunked deletes with SKIP LOCKED: concurrent replicas split the rows). The tables are
 * not tenant tables, and the relay and consumer span tenants anyway: the system pool.
 */
@Injectable()
export class MessagingHousekeeping extends ScheduledJob<{ outbox: number; inbox: number }> {
  private readonly logger = new Logger(MessagingHousekeeping.name);

  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(MESSAGING_HOUSEKEEPING_OPTIONS) private readonly options: MessagingHousekeepingOptions,
  ) {
    super(MessagingHousekeeping.name, options.intervalMs);
  }

  /** One purge by the injected clock. */
  protected async round(): Promise<{ outbox: number; inbox: number }> {
    const purged = await purgeMessagingTables(this.system, this.clock.now(), this.options.retention);
    if (purged.outbox + purged.inbox > 0) this.logger.log(`purged ${purged.outbox} sent outbox row(s), ${purged.inbox} inbox row(s)`);
    return purged;
  }
}
