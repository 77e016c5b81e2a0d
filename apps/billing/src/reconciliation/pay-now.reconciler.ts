import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import type { Order } from '../payments/order';
import { STRIPE } from '../stripe/stripe-client';
import { CheckoutReconciler } from './checkout.reconciler';
import { OrderDrift, OrderReconciler } from './order-reconciler';

/**
 * Pay-now orders (destination charges). Unpaid: the checkout session, as for funding — a
 * session paid on Stripe whose webhook never came is repaired by CheckoutEventsHandler, given
 * the event Stripe would have sent, which records the charge and its destination transfer in
 * one go. Paid: what Stripe received, and what the freelancer holds on Stripe (the transfer
 * less its reversals, less the application fee the platform kept) against the order's
 * released − platform fee; a difference is flagged for a human, never overwritten.
 */
@Injectable()
export class PayNowReconciler implements OrderReconciler {
  readonly objectKind = 'destination_charge';

  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe,
    private readonly checkout: CheckoutReconciler,
  ) {}

  async check(order: Order): Promise<OrderDrift[]> {
    if (order.kind !== 'pay_now') return [];
    if (order.charged === 0) return this.checkout.checkSession(order);
    if (!order.paymentIntentId || !order.transferId) return [];
    const drifts: OrderDrift[] = [];
    const intent = await this.stripe.paymentIntents.retrieve(order.paymentIntentId);
    if (intent.amount_received !== order.charged)
      drifts.push(this.mismatch(order, intent.id, intent.amount_received, order.charged, 'Stripe received'));
    const transfer = await this.stripe.transfers.retrieve(order.transferId);
    const fee = order.applicationFeeId ? await this.stripe.applicationFees.retrieve(order.applicationFeeId) : null;
    const onStripe = transfer.amount - transfer.amount_reversed - (fee ? fee.amount - fee.amount_refunded : 0);
    const recorded = order.released - order.platformFee;
    if (onStripe !== recorded) drifts.push(this.mismatch(order, transfer.id, onStripe, recorded, 'the freelancer holds on Stripe'));
    return drifts;
  }

  private mismatch(order: Order, stripeObjectId: string, onStripe: number, recorded: number, what: string): OrderDrift {
    return {
      kind: 'amount_mismatch',
      orderId: order.id,
      stripeObjectId,
      amount: Math.abs(onStripe - recorded),
      currency: order.currency,
      detail: `order records ${recorded}, ${what} ${onStripe}`,
    };
  }
}
