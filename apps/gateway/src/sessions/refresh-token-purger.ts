import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@fpms/common/scheduling/clock';
import { PeriodicTask } from '@fpms/common/scheduling/periodic-task';
import { RefreshTokensRepository } from './refresh-tokens.repository';

export const REFRESH_TOKEN_PURGE_OPTIONS = Symbol('REFRESH_TOKEN_PURGE_OPTIONS');

export interface RefreshTokenPurgeOptions {
  /** 0 disables the schedule (runOnce still works). */
  intervalMs: number;
  /** How long an ended session (all tokens expired or revoked) is kept, for investigation. */
  retentionMs: number;
}

/** Families per delete: each chunk is one short transaction. */
const CHUNK = 500;

/**
 * Deletes sessions that ended more than the retention ago, on a schedule in every
 * replica; an advisory lock lets one replica purge at a time (the others skip the round).
 * refresh_tokens belongs to global users, not tenants: no RLS, the runtime pool.
 */
@Injectable()
export class RefreshTokenPurger implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RefreshTokenPurger.name);
  private readonly schedule: PeriodicTask<number>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tokens: RefreshTokensRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(REFRESH_TOKEN_PURGE_OPTIONS) private readonly options: RefreshTokenPurgeOptions,
  ) {
    this.schedule = new PeriodicTask(RefreshTokenPurger.name, options.intervalMs, () => this.round());
  }

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
  }

  /** One purge by the injected clock; returns the rows deleted. */
  runOnce(): Promise<number> {
    return this.schedule.runNow();
  }

  private async round(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.options.retentionMs);
    let total = 0;
    for (;;) {
      const deleted = await this.db.transaction((manager) => this.tokens.purgeEndedFamilies(manager, before, CHUNK));
      if (deleted === null) break; // another replica is purging
      total += deleted;
      if (deleted === 0) break;
    }
    if (total > 0) this.logger.log(`purged ${total} refresh token(s) of ended sessions`);
    return total;
  }
}
