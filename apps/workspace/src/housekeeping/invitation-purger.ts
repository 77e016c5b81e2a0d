import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { deleteInChunks, ScheduledJob } from '@fpms/common/scheduling/scheduled-job';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { Clock } from '@fpms/common/scheduling/clock';
import { WorkspaceEnv } from '../config';
import { InvitationPurgeRepository } from './invitation-purge.repository';
import { systemTransaction } from '@fpms/database/tenant-manager';

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
export class InvitationPurger extends ScheduledJob<number> {
  private readonly logger = new Logger(InvitationPurger.name);

  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly invitations: InvitationPurgeRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(INVITATION_PURGE_OPTIONS) private readonly options: InvitationPurgeOptions,
  ) {
    super(InvitationPurger.name, options.intervalMs);
  }

  /** One purge by the injected clock; returns the invitations deleted. */
  protected async round(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - this.options.retentionMs);
    const total = await deleteInChunks(() =>
      systemTransaction(this.system, (manager) => this.invitations.purgeEnded(manager, before, CHUNK)),
    );
    if (total > 0) this.logger.log(`purged ${total} ended invitation(s)`);
    return total;
  }
}
