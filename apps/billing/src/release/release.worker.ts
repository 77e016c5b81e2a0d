import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { platformFee } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import { ScheduledJob } from '@fpms/common/scheduling/scheduled-job';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction, type SystemManager } from '@fpms/database/tenant-manager';
import { BillingAccountsRepository } from '../accounts/billing-accounts.repository';
import { ConnectedAccounts } from '../payments/connected-accounts';
import { LedgerRepository } from '../payments/ledger.repository';
import { MilestonePaymentEvents } from '../payments/milestone-payment-events';
import { Order, statusOf } from '../payments/order';
import { CrossTenantOrdersRepository } from '../payments/orders.repository';
import { RefundsRepository } from '../refunds/refunds.repository';
import { releaseRetryDelaySeconds } from './release-backoff';
import { ReleaseTransfers } from './release-transfers';

export const RELEASE_WORKER_OPTIONS = Symbol('RELEASE_WORKER_OPTIONS');

export interface ReleaseWorkerOptions {
  /** Poll interval; 0 disables the loop (tests call runOnce). Approvals also wake it at once. */
  pollIntervalMs: number;
  batchSize: number;
  /** First retry delay of a deferred release (doubling, at most an hour). */
  retryBaseSeconds: number;
}

export interface ReleaseRound {
  released: number;
  deferred: number;
}

/**
 * Releases approved orders (and in-app disputes' release parts): a Transfer of (released −
 * platform fee) to the connected account, released being what is held or the dispute's part,
 * with the charge as source_transaction. Every replica runs it; each order is claimed under
 * FOR UPDATE SKIP LOCKED and stays locked until its outcome commits, so one release happens
 * once. A release that cannot happen now (a chargeback open, payouts disabled, Stripe down
 * or rate limiting) is deferred with backoff and its reason kept for the payment view.
 */
@Injectable()
export class ReleaseWorker extends ScheduledJob<ReleaseRound> {
  private readonly logger = new Logger(ReleaseWorker.name);

  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly orders: CrossTenantOrdersRepository,
    private readonly ledger: LedgerRepository,
    private readonly events: MilestonePaymentEvents,
    private readonly transfers: ReleaseTransfers,
    private readonly connected: ConnectedAccounts,
    private readonly accounts: BillingAccountsRepository,
    private readonly refunds: RefundsRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(RELEASE_WORKER_OPTIONS) private readonly options: ReleaseWorkerOptions,
  ) {
    super(ReleaseWorker.name, options.pollIntervalMs);
  }

  /** Starts a round now (an approval was just recorded) without waiting for it. */
  wake(): void {
    this.runOnce().catch((error: Error) => this.logger.error(`release round failed: ${error.message}`));
  }

  protected async round(): Promise<ReleaseRound> {
    const total: ReleaseRound = { released: 0, deferred: 0 };
    for (;;) {
      const outcome = await systemTransaction(this.system, async (manager) => {
        const due = await this.orders.claimDueReleases(manager, this.clock.now(), this.options.batchSize);
        const round: ReleaseRound = { released: 0, deferred: 0 };
        for (const order of due) {
          if (await this.releaseOne(manager, order)) round.released += 1;
          else round.deferred += 1;
        }
        return { round, claimed: due.length };
      });
      total.released += outcome.round.released;
      total.deferred += outcome.round.deferred;
      if (outcome.claimed < this.options.batchSize) return total;
    }
  }

  private async releaseOne(manager: SystemManager, order: Order): Promise<boolean> {
    // A refund in progress goes first (an in-app dispute's split: refund part, then release part).
    const refunding = (await this.refunds.pendingTotal(manager, order.id)) > 0;
    const blocker = refunding ? 'a refund of this payment is in progress' : this.moneyBlocker(order);
    const payout = blocker ? null : await this.connected.find(manager, order.accountId);
    if (blocker || !payout?.payoutsEnabled) {
      await this.defer(manager, order, blocker ?? "the freelancer's Stripe account cannot receive payouts");
      return false;
    }
    const plan = await this.accounts.planOf(manager, order.accountId);
    // What partial refunds before release left is released (or a dispute's release part, less
    // than that); the fee is on the released amount, not on money returned.
    const releasable = order.releaseAmount ?? order.charged - order.refunded;
    if (releasable > order.charged - order.refunded) {
      await this.defer(manager, order, `the release of ${releasable} exceeds what is held (${order.charged - order.refunded})`);
      return false;
    }
    const fee = platformFee(releasable, plan);
    let transfer;
    try {
      transfer = await this.transfers.release(order, payout.stripeAccountId, releasable - fee);
    } catch (error) {
      await this.defer(manager, order, `Stripe: ${(error as Error).message}`.slice(0, 500));
      return false;
    }
    order.released = releasable;
    order.platformFee = fee;
    order.transferId = transfer.id;
    order.connectedAccountId = payout.stripeAccountId;
    order.releasedAt = this.clock.now();
    order.releaseNextAttemptAt = null;
    order.releaseLastError = null;
    order.status = statusOf(order, false);
    order.version += 1;
    await this.orders.save(manager, order);
    await this.ledger.append(manager, order, {
      kind: 'transfer',
      amount: transfer.amount,
      stripeObjectId: transfer.id,
      stripeEventId: null,
    });
    if (fee > 0)
      await this.ledger.append(manager, order, { kind: 'platform_fee', amount: fee, stripeObjectId: transfer.id, stripeEventId: null });
    await this.events.released(manager, order, { id: transfer.id, amount: transfer.amount });
    return true;
  }

  /** Why the order's money cannot be released now, or null (the payout account is checked next). */
  private moneyBlocker(order: Order): string | null {
    if (order.charged === 0 || !order.chargeId) return 'the payment has not arrived';
    if (order.disputed > 0) return 'a chargeback is open on the payment';
    if (order.refunded >= order.charged) return 'the payment was refunded';
    return null;
  }

  private async defer(manager: SystemManager, order: Order, reason: string): Promise<void> {
    order.releaseAttempts += 1;
    order.releaseLastError = reason;
    order.releaseNextAttemptAt = new Date(
      this.clock.now().getTime() + releaseRetryDelaySeconds(order.releaseAttempts, this.options.retryBaseSeconds) * 1000,
    );
    await this.orders.save(manager, order);
    this.logger.warn(`release of order ${order.id} deferred (attempt ${order.releaseAttempts}): ${reason}`);
  }
}
