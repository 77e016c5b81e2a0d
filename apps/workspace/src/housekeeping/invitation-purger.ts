import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PeriodicTask } from '@fpms/common/scheduling/periodic-task';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { Clock } from '@fpms/common/scheduling/clock';
import { WorkspaceEnv } from '../config';
import { InvitationPurgeRepository } from './invitation-purge.repository';

export const INVITATION_PURGE_OPTIONS = Symbol('INVITATION_PURGE_OPTIONS');

export interface InvitationPurgeOptions {
  /** 0 disables the schedule (runOnce still works). */
  intervalMs: number;
  retentionMs: number;
}

export const invitationPurgeOptions = (env: WorkspaceEnv): InvitationPurgeOptions => ({
  intervalMs: env.HOUSEKEEPING_INTERVAL_SECONDS * 1000,
  retentionMs: env.INVITATION_RETENTION_DAYS * 86_400_000,
});

const CHUNK = 1000;

/**
 * Deletes invitations that ended (expired or revoked) more than the retention ago, on a
 * schedule in every replica; an advisory lock lets one replica purge at a time.
 */
@Injectable()
export class InvitationPurger implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InvitationPurger.name);
  private readonly schedule: PeriodicTask<number>;

  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly invitations: InvitationPurgeRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(INVITATION_PURGE_OPTIONS) private readonly options: InvitationPurgeOptions,
  ) {
    this.schedule = new PeriodicTask(InvitationPurger.name, options.intervalMs, () => this.round());
  }

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
  }

  /** One purge by the injected clock; returns the invitations deleted. */
  runOnce(): Promise<number> {
    return this.schedule.runNow();
  }

  private async round(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.options.retentionMs);
    let total = 0;
    for (;;) {
      const deleted = await this.system.transaction((manager) => this.invitations.purgeEnded(manager, before, CHUNK));
      if (deleted === null) break; // another replica is purging
      total += deleted;
      if (deleted < CHUNK) break;
    }
    if (total > 0) this.logger.log(`purged ${total} ended invitation(s)`);
    return total;
  }
}
