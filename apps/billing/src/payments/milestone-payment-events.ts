import { Inject, Injectable } from '@nestjs/common';
import { BillingEvents } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import type { SystemManager } from '@fpms/database/tenant-manager';
import { OutboxWriter } from '@fpms/messaging/events/outbox-writer';
import { EarningsRecorder, RefundCause } from '../earnings/earnings-recorder';
import { moneyStateOf, Order } from './order';

/**
 * billing.milestone.* through the outbox, in the caller's transaction. Each carries the
 * order's complete money state at `order.version`, which the caller has just advanced: the
 * workspace applies the newest state it has seen, whatever order events arrive in. Each
 * money state also goes into the earnings read model (EarningsRecorder) in the same
 * transaction, beside the ledger entries the caller wrote.
 */
@Injectable()
export class MilestonePaymentEvents {
  constructor(
    private readonly outbox: OutboxWriter,
    @Inject(Clock) private readonly clock: Clock,
    private readonly earnings: EarningsRecorder,
  ) {}

  private envelope(order: Order) {
    return {
      tenant: { accountId: order.accountId, workspaceId: order.workspaceId },
      aggregateId: order.milestoneId,
      aggregateVersion: order.version,
      occurredAt: this.clock.now().toISOString(),
    };
  }

  private ref(order: Order) {
    return { milestoneId: order.milestoneId, workspaceId: order.workspaceId, orderId: order.id, money: moneyStateOf(order) };
  }

  async funded(manager: SystemManager, order: Order, chargeId: string): Promise<void> {
    await this.earnings.record(manager, order);
    await this.outbox.add(manager, {
      type: BillingEvents.milestoneFunded,
      ...this.envelope(order),
      data: { ...this.ref(order), amount: order.charged, currency: order.currency, chargeId },
    });
  }

  async paymentFailed(manager: SystemManager, order: Order, failure: { code?: string; message?: string }): Promise<void> {
    await this.outbox.add(manager, {
      type: BillingEvents.milestonePaymentFailed,
      ...this.envelope(order),
      data: {
        ...this.ref(order),
        ...(failure.code ? { failureCode: failure.code.slice(0, 200) } : {}),
        ...(failure.message ? { failureMessage: failure.message.slice(0, 1000) } : {}),
      },
    });
  }

  async released(manager: SystemManager, order: Order, transfer: { id: string; amount: number }): Promise<void> {
    await this.earnings.record(manager, order);
    await this.outbox.add(manager, {
      type: BillingEvents.milestoneReleased,
      ...this.envelope(order),
      data: {
        ...this.ref(order),
        amount: order.released,
        currency: order.currency,
        transferId: transfer.id,
        platformFee: order.platformFee,
      },
    });
  }

  /** A chargeback opened: `disputed` in the money state freezes the milestone. */
  async disputed(manager: SystemManager, order: Order, dispute: { id: string; amount: number; reason: string | null }): Promise<void> {
    await this.earnings.record(manager, order);
    await this.outbox.add(manager, {
      type: BillingEvents.milestoneDisputed,
      ...this.envelope(order),
      data: {
        ...this.ref(order),
        amount: dispute.amount,
        currency: order.currency,
        disputeId: dispute.id,
        ...(dispute.reason ? { reason: dispute.reason.slice(0, 200) } : {}),
      },
    });
  }

  async disputeClosed(
    manager: SystemManager,
    order: Order,
    dispute: { id: string; amount: number },
    outcome: 'won' | 'lost',
  ): Promise<void> {
    // A lost chargeback moves its amount into `refunded`: money lost to a dispute.
    await this.earnings.record(manager, order, 'dispute');
    await this.outbox.add(manager, {
      type: BillingEvents.milestoneDisputeClosed,
      ...this.envelope(order),
      data: { ...this.ref(order), amount: dispute.amount, currency: order.currency, disputeId: dispute.id, outcome },
    });
  }

  /** `amount`: this refund's; `money`: the whole state after it; `cause`: `dispute` for an in-app dispute's refund part. */
  async refunded(
    manager: SystemManager,
    order: Order,
    refund: { refundId: string; amount: number; afterRelease: boolean },
    cause: RefundCause = 'refund',
  ): Promise<void> {
    await this.earnings.record(manager, order, cause);
    await this.outbox.add(manager, {
      type: BillingEvents.milestoneRefunded,
      ...this.envelope(order),
      data: {
        ...this.ref(order),
        amount: refund.amount,
        currency: order.currency,
        refundId: refund.refundId,
        afterRelease: refund.afterRelease,
      },
    });
  }
}
