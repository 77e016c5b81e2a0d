import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { STRIPE } from '../stripe/stripe-client';
import type { Order } from '../payments/order';
import type { Refund } from './refund';

/**
 * Stripe side effects of one refund, keyed by our refund id: the idempotency key covers
 * retries within Stripe's 24 hours; past that, the object already made for this refund (its
 * metadata names it) is found and returned instead of making a second one.
 */
@Injectable()
export class StripeRefunds {
  constructor(@Inject(STRIPE) private readonly stripe: Stripe) {}

  async reverseTransfer(order: Order, refund: Refund, amount: number): Promise<Stripe.TransferReversal> {
    const transferId = order.transferId as string;
    const made = (await this.stripe.transfers.listReversals(transferId, { limit: 100 })).data.find(
      (r) => r.metadata?.refundId === refund.id,
    );
    if (made) return made;
    return this.stripe.transfers.createReversal(
      transferId,
      { amount, metadata: { refundId: refund.id, orderId: order.id, milestoneId: order.milestoneId } },
      { idempotencyKey: `refund-reversal:${refund.id}` },
    );
  }

  async refundCharge(order: Order, refund: Refund): Promise<Stripe.Refund> {
    const chargeId = order.chargeId as string;
    const made = (await this.stripe.refunds.list({ charge: chargeId, limit: 100 })).data.find((r) => r.metadata?.refundId === refund.id);
    if (made) return made;
    return this.stripe.refunds.create(
      { charge: chargeId, amount: refund.amount, metadata: { refundId: refund.id, orderId: order.id, milestoneId: order.milestoneId } },
      { idempotencyKey: `refund:${refund.id}` },
    );
  }
}
