import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { STRIPE } from '../stripe/stripe-client';
import { isDestinationCharge, type Order } from '../payments/order';
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

  /**
   * Refunds the charge. A pay-now (destination) charge is refunded with `reverse_transfer` and
   * `refund_application_fee`: Stripe pulls the refund back from the freelancer's transfer and
   * gives back the platform's fee on it, both in proportion to the amount.
   */
  async refundCharge(order: Order, refund: Refund): Promise<Stripe.Refund> {
    const chargeId = order.chargeId as string;
    const made = (await this.stripe.refunds.list({ charge: chargeId, limit: 100 })).data.find((r) => r.metadata?.refundId === refund.id);
    if (made) return made;
    const destinationCharge = isDestinationCharge(order)
      ? { reverse_transfer: true, refund_application_fee: order.applicationFeeId !== null }
      : {};
    return this.stripe.refunds.create(
      {
        charge: chargeId,
        amount: refund.amount,
        ...destinationCharge,
        metadata: { refundId: refund.id, orderId: order.id, milestoneId: order.milestoneId },
      },
      { idempotencyKey: `refund:${refund.id}` },
    );
  }

  /** What is left of a pay-now charge's application fee (Stripe's own figure, after the refunds it has given back). */
  async applicationFeeKept(order: Order): Promise<number> {
    if (!order.applicationFeeId) return 0;
    const fee = await this.stripe.applicationFees.retrieve(order.applicationFeeId);
    return fee.amount - fee.amount_refunded;
  }
}
