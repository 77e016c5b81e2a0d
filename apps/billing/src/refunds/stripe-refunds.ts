import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { STRIPE } from '../stripe/stripe-client';
import type { Order } from '../payments/order';
import type { Refund } from './refund';

/** Stripe side effects of one refund, keyed by our refund id (retries return the same objects). */
@Injectable()
export class StripeRefunds {
  constructor(@Inject(STRIPE) private readonly stripe: Stripe) {}

  reverseTransfer(order: Order, refund: Refund, amount: number): Promise<Stripe.TransferReversal> {
    return this.stripe.transfers.createReversal(
      order.transferId as string,
      { amount, metadata: { refundId: refund.id, orderId: order.id, milestoneId: order.milestoneId } },
      { idempotencyKey: `refund-reversal:${refund.id}` },
    );
  }

  refundCharge(order: Order, refund: Refund): Promise<Stripe.Refund> {
    return this.stripe.refunds.create(
      {
        charge: order.chargeId as string,
        amount: refund.amount,
        metadata: { refundId: refund.id, orderId: order.id, milestoneId: order.milestoneId },
      },
      { idempotencyKey: `refund:${refund.id}` },
    );
  }
}
