import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DisputeResolvedData, EventEnvelope } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { OrdersRepository } from '../payments/orders.repository';
import { refundableOf } from '../refunds/refund';
import { RefundRequestsRepository, RefundsRepository } from '../refunds/refunds.repository';
import { DisputeSettlementsRepository } from './dispute-settlements.repository';

/** What to carry out once the inbox transaction has committed. */
export interface SettlementWork {
  orderId: string;
  refundId: string | null;
  release: boolean;
}

/**
 * Carries out an in-app dispute's decision (`workspace.milestone.dispute_resolved`), inside
 * the inbox transaction, with no Stripe call: it records the settlement (once per dispute —
 * a decision delivered twice, even under another message id, moves nothing the second
 * time), the refund part as a pending refund (the refunds module's executor refunds the
 * charge) and the release part as the order's release amount, due once no refund is in
 * progress (the release worker: transfer = release part − platform fee on it). Amounts that
 * no longer match what the order holds are refused and kept for a human, never guessed at.
 */
@Injectable()
export class DisputeSettlementHandler {
  private readonly logger = new Logger(DisputeSettlementHandler.name);

  constructor(
    private readonly orders: OrdersRepository,
    private readonly refunds: RefundsRepository,
    private readonly requests: RefundRequestsRepository,
    private readonly settlements: DisputeSettlementsRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async apply(manager: TenantManager, event: EventEnvelope<DisputeResolvedData>): Promise<SettlementWork | null> {
    const { dispute, milestoneId } = event.data;
    const order = await this.orders.lockByMilestone(manager, milestoneId);
    if (!order || order.charged === 0) {
      this.logger.error(`dispute ${dispute.disputeId} decided for milestone ${milestoneId}, which has no payment`);
      return null;
    }
    if (await this.settlements.exists(manager, dispute.disputeId)) return null;
    const held = refundableOf(order, await this.refunds.pendingTotal(manager, order.id)) - order.released;
    const base = {
      disputeId: dispute.disputeId,
      outcome: dispute.outcome,
      releaseAmount: dispute.releaseAmount,
      refundAmount: dispute.refundAmount,
      sourceEventId: event.id,
    };
    if (dispute.releaseAmount + dispute.refundAmount !== held || order.transferId !== null) {
      const reason = `decided ${dispute.releaseAmount} + ${dispute.refundAmount}, but the order holds ${held}${order.transferId ? ' (already released)' : ''}`;
      await this.settlements.insert(manager, order, { ...base, status: 'rejected', reason, refundId: null });
      this.logger.error(`dispute ${dispute.disputeId} not carried out: ${reason}`);
      return null;
    }
    const now = this.clock.now();
    const refundId = dispute.refundAmount > 0 ? randomUUID() : null;
    if (refundId)
      await this.refunds.insert(manager, order, {
        id: refundId,
        amount: dispute.refundAmount,
        initiatedBy: 'dispute',
        userId: null,
        requestId: null,
        reason: `in-app dispute ${dispute.disputeId}`,
        now,
      });
    await this.settlements.insert(manager, order, { ...base, status: 'applied', reason: null, refundId });
    if (dispute.releaseAmount > 0) {
      order.releaseAmount = dispute.releaseAmount;
      order.releaseRequestedAt = now;
      order.releaseNextAttemptAt = now;
      await this.orders.save(manager, order);
    }
    // The client's refund request (if any) is answered by the decision.
    const open = await this.requests.lockOpen(manager, milestoneId);
    if (open) await this.requests.decide(manager, { ...open, status: 'settled', decidedAt: now, decidedBy: 'dispute' });
    return { orderId: order.id, refundId, release: dispute.releaseAmount > 0 };
  }
}
