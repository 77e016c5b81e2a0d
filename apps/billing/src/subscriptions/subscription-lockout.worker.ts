import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@fpms/common/scheduling/clock';
import { ScheduledJob } from '@fpms/common/scheduling/scheduled-job';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { applyGraceEnded } from './subscription-state';
import { SubscriptionStateWriter } from './subscription-state-writer';
import { SubscriptionsRepository } from './subscriptions.repository';

export const SUBSCRIPTION_LOCKOUT_OPTIONS = Symbol('SUBSCRIPTION_LOCKOUT_OPTIONS');

export interface SubscriptionLockoutOptions {
  /** Poll interval; 0 disables the loop (tests call runOnce). */
  pollIntervalMs: number;
  batchSize: number;
}

/**
 * Locks past-due accounts whose grace period ended unpaid, on billing's Clock. Every
 * replica runs it: due rows are taken with FOR UPDATE SKIP LOCKED and re-checked under the
 * lock, so each account locks once, with one entitlements version, however many replicas
 * race (and a payment processed meanwhile wins: its row is active again).
 */
@Injectable()
export class SubscriptionLockoutWorker extends ScheduledJob<{ locked: number }> {
  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly writer: SubscriptionStateWriter,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SUBSCRIPTION_LOCKOUT_OPTIONS) private readonly options: SubscriptionLockoutOptions,
  ) {
    super(SubscriptionLockoutWorker.name, options.pollIntervalMs);
  }

  protected round(): Promise<{ locked: number }> {
    return systemTransaction(this.system, async (manager) => {
      const now = this.clock.now();
      const due = await this.subscriptions.lockDueForLockout(manager, now, this.options.batchSize);
      for (const record of due) await this.writer.write(manager, record, applyGraceEnded(record, now));
      return { locked: due.length };
    });
  }
}
