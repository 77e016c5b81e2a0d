import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@fpms/common/scheduling/clock';
import { LeasedClaimsJob } from '@fpms/common/scheduling/leased-claims-job';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { TimeWeekClaimsRepository, WorkspaceClaim } from './time-week-claims.repository';
import { TIME_WEEK_OPTIONS, TimeWeekOptions } from './time-week-options';
import { WeekCloser } from './week-closer';

/**
 * Closes the weeks of hourly contracts at Monday 00:00 in the account's time zone. Runs in
 * every replica, like the review timers: contracts with a week to close are leased under FOR
 * UPDATE SKIP LOCKED on the system pool, then each workspace is closed in its tenant's
 * transaction, where the week's row is unique, so a week closes once whatever races.
 */
@Injectable()
export class WeekClosePoller extends LeasedClaimsJob<WorkspaceClaim, 'closed'> {
  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly tx: TenantTransactions,
    private readonly claims: TimeWeekClaimsRepository,
    private readonly closer: WeekCloser,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(TIME_WEEK_OPTIONS) private readonly options: TimeWeekOptions,
  ) {
    super(WeekClosePoller.name, options.pollIntervalMs, options.batchSize, ['closed']);
  }

  protected claim(limit: number): Promise<WorkspaceClaim[]> {
    return systemTransaction(this.system, (m) => this.claims.claimCloses(m, this.clock.now(), this.options.leaseMs, limit));
  }

  protected describe(claim: WorkspaceClaim): string {
    return `week close of workspace ${claim.workspace_id}`;
  }

  protected handle(claim: WorkspaceClaim): Promise<'closed' | 'skipped'> {
    return this.tx.run({ accountId: claim.account_id, workspaceId: claim.workspace_id }, async (manager) => {
      const closed = await this.closer.closeDue(manager, claim.account_id, claim.workspace_id);
      await manager.query(`update hourly_contracts set close_claimed_until = null where id = $1`, [claim.id]);
      return closed > 0 ? 'closed' : 'skipped';
    });
  }
}
