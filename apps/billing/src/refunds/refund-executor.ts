import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@fpms/common/scheduling/clock';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction, type SystemManager } from '@fpms/database/tenant-manager';
import { InvoiceIssuer } from '../invoices/invoice-issuer';
import { LedgerRepository } from '../payments/ledger.repository';
import { MilestonePaymentEvents } from '../payments/milestone-payment-events';
import { isDestinationCharge, Order, statusOf } from '../payments/order';
import { CrossTenantOrdersRepository } from '../payments/orders.repository';
import { releaseRetryDelaySeconds } from '../release/release-backoff';
import type { Refund } from './refund';
import { splitRefundAfterRelease } from './refund-split';
import { RefundRequestsRepository, RefundsRepository } from './refunds.repository';
import { StripeRefunds } from './stripe-refunds';

export const REFUND_RETRY_BASE_SECONDS = Symbol('REFUND_RETRY_BASE_SECONDS');

/**
 * Carries out one pending refund, under the order's lock (which also keeps the release
 * worker away): before release, a refund of the charge; after it, first a reversal of the
 * transfer (the freelancer's share, see refund-split.ts), then the refund. Only when Stripe
 * has done both does the order move, in one transaction with its ledger entries and the
 * billing.milestone.refunded event. A Stripe failure leaves the refund pending with its
 * reason and a retry time (the reversal's id kept if it was made), like a deferred release.
 */
@Injectable()
export class RefundExecutor {
  private readonly logger = new Logger(RefundExecutor.name);

  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly orders: CrossTenantOrdersRepository,
    private readonly refunds: RefundsRepository,
    private readonly requests: RefundRequestsRepository,
    private readonly ledger: LedgerRepository,
    private readonly events: MilestonePaymentEvents,
    private readonly invoicing: InvoiceIssuer,
    private readonly stripe: StripeRefunds,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(REFUND_RETRY_BASE_SECONDS) private readonly retryBaseSeconds: number,
  ) {}

  /** Runs the refund if it is still pending; answers the refund as it stands afterwards. */
  run(refundId: string, orderId: string): Promise<Refund | null> {
    return systemTransaction(this.system, (manager) => this.execute(manager, refundId, orderId));
  }

  private async execute(manager: SystemManager, refundId: string, orderId: string): Promise<Refund | null> {
    const order = await this.orders.lockById(manager, orderId);
    const refund = await this.refunds.lock(manager, refundId);
    if (!order || !refund || refund.status !== 'pending') return refund;
    if (order.disputed > 0) return this.defer(manager, refund, 'a chargeback is open on the payment');
    if (!order.chargeId) return this.defer(manager, refund, 'the payment has no charge');

    if (isDestinationCharge(order)) return this.executeDestinationRefund(manager, order, refund);
    const afterRelease = order.transferId !== null;
    let split = null;
    if (afterRelease) {
      const entries = await this.ledger.listForOrder(manager, order.id);
      const feeAtRelease = entries.filter((e) => e.kind === 'platform_fee').reduce((t, e) => t + e.amount, 0);
      const transferred = entries.filter((e) => e.kind === 'transfer').reduce((t, e) => t + e.amount, 0);
      split = splitRefundAfterRelease({
        refund: refund.amount,
        released: order.released,
        platformFee: order.platformFee,
        releasedAtRelease: transferred + feeAtRelease,
        feeAtRelease,
      });
    }
    refund.afterRelease = afterRelease;
    refund.reversalAmount = split ? split.reversal : null;

    let stripeRefund;
    try {
      if (split && split.reversal > 0 && !refund.stripeReversalId) {
        refund.stripeReversalId = (await this.stripe.reverseTransfer(order, refund, split.reversal)).id;
      }
      stripeRefund = await this.stripe.refundCharge(order, refund);
    } catch (error) {
      return this.defer(manager, refund, `Stripe: ${(error as Error).message}`.slice(0, 500));
    }

    order.refunded += refund.amount;
    if (split) {
      order.released = split.releasedAfter;
      order.platformFee = split.feeAfter;
    }
    order.status = statusOf(order, false);
    order.version += 1;
    // A release waiting behind this refund (a dispute's split) may go now rather than after its backoff.
    if (order.releaseRequestedAt && !order.transferId) order.releaseNextAttemptAt = this.clock.now();
    await this.orders.save(manager, order);
    await this.ledger.append(manager, order, {
      kind: 'refund',
      amount: refund.amount,
      stripeObjectId: stripeRefund.id,
      stripeEventId: null,
    });
    if (split && split.reversal > 0 && refund.stripeReversalId)
      await this.ledger.append(manager, order, {
        kind: 'reversal',
        amount: split.reversal,
        stripeObjectId: refund.stripeReversalId,
        stripeEventId: null,
      });
    await this.complete(manager, order, refund, stripeRefund, afterRelease);
    return refund;
  }

  /**
   * A pay-now refund: one Stripe refund with reverse_transfer and refund_application_fee does
   * what a reversal and a refund do for escrow. The money state follows Stripe's figures: what
   * stays released is what is not refunded, the platform fee what Stripe left of the
   * application fee; the freelancer gives back the refund less the fee returned, recorded as
   * the reversal (net, as the transfer is recorded net of the fee).
   */
  private async executeDestinationRefund(manager: SystemManager, order: Order, refund: Refund): Promise<Refund> {
    let stripeRefund;
    let feeAfter;
    try {
      stripeRefund = await this.stripe.refundCharge(order, refund);
      feeAfter = await this.stripe.applicationFeeKept(order);
    } catch (error) {
      return this.defer(manager, refund, `Stripe: ${(error as Error).message}`.slice(0, 500));
    }
    const releasedAfter = order.released - refund.amount;
    const reversal = order.released - order.platformFee - (releasedAfter - feeAfter);
    refund.afterRelease = true;
    refund.reversalAmount = reversal;
    refund.stripeReversalId = typeof stripeRefund.transfer_reversal === 'string' ? stripeRefund.transfer_reversal : null;
    order.refunded += refund.amount;
    order.released = releasedAfter;
    order.platformFee = feeAfter;
    order.status = statusOf(order, false);
    order.version += 1;
    await this.orders.save(manager, order);
    await this.ledger.append(manager, order, {
      kind: 'refund',
      amount: refund.amount,
      stripeObjectId: stripeRefund.id,
      stripeEventId: null,
    });
    if (reversal > 0 && refund.stripeReversalId)
      await this.ledger.append(manager, order, {
        kind: 'reversal',
        amount: reversal,
        stripeObjectId: refund.stripeReversalId,
        stripeEventId: null,
      });
    await this.complete(manager, order, refund, stripeRefund, true);
    return refund;
  }

  private async complete(manager: SystemManager, order: Order, refund: Refund, stripeRefund: { id: string }, afterRelease: boolean) {
    refund.status = 'succeeded';
    refund.stripeRefundId = stripeRefund.id;
    refund.completedAt = this.clock.now();
    refund.nextAttemptAt = null;
    refund.lastError = null;
    await this.refunds.save(manager, refund);
    await this.events.refunded(
      manager,
      order,
      { refundId: stripeRefund.id, amount: refund.amount, afterRelease },
      refund.initiatedBy === 'dispute' ? 'dispute' : 'refund',
    );
    await this.invoicing.issueCreditNote(manager, order, { refundKey: stripeRefund.id, amount: refund.amount });
    if (order.refunded === order.charged) await this.settleOpenRequest(manager, order.milestoneId);
  }

  /** Nothing is left to refund: an open request has nothing to ask for any more. */
  private async settleOpenRequest(manager: SystemManager, milestoneId: string): Promise<void> {
    const open = await this.requests.lockOpen(manager, milestoneId);
    if (!open) return;
    await this.requests.decide(manager, { ...open, status: 'settled', decidedAt: this.clock.now(), decidedBy: 'refunded' });
  }

  private async defer(manager: SystemManager, refund: Refund, reason: string): Promise<Refund> {
    refund.attempts += 1;
    refund.lastError = reason;
    refund.nextAttemptAt = new Date(this.clock.now().getTime() + releaseRetryDelaySeconds(refund.attempts, this.retryBaseSeconds) * 1000);
    await this.refunds.save(manager, refund);
    this.logger.warn(`refund ${refund.id} deferred (attempt ${refund.attempts}): ${reason}`);
    return refund;
  }
}
