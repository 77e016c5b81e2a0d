import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@fpms/common/scheduling/clock';
import { ScheduledJob } from '@fpms/common/scheduling/scheduled-job';
import { AccountSecurityRepository } from './account-security.repository';

export const SECURITY_TOKEN_PURGE_INTERVAL_MS = Symbol('SECURITY_TOKEN_PURGE_INTERVAL_MS');

/** A day after they ended, used or expired email links and login challenges are deleted (every replica; deletes are idempotent). */
@Injectable()
export class SecurityTokenPurger extends ScheduledJob<number> {
  private readonly logger = new Logger(SecurityTokenPurger.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: AccountSecurityRepository,
    private readonly clock: Clock,
    @Inject(SECURITY_TOKEN_PURGE_INTERVAL_MS) intervalMs: number,
  ) {
    super(SecurityTokenPurger.name, intervalMs);
  }

  protected async round(): Promise<number> {
    const before = new Date(this.clock.now().getTime() - 86_400_000);
    const total = await this.db.transaction(
      async (m) => (await this.repo.purgeEndedEmailTokens(m, before)) + (await this.repo.purgeEndedChallenges(m, before)),
    );
    if (total > 0) this.logger.log(`purged ${total} ended email link(s) and login challenge(s)`);
    return total;
  }
}
