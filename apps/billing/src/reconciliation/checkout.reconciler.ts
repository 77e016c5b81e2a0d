import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { CheckoutEventsHandler } from '../payments/checkout-events.handler';
import { CheckoutSessions } from '../payments/checkout-sessions';
import type { Order } from '../payments/order';
import { STRIPE } from '../stripe/stripe-client';
import { OrderDrift, OrderReconciler } from './order-reconciler';
import { replayThroughHandler } from './replayed-event';

/**
 * Funding: an unpaid order's checkout session (paid or expired on Stripe while the order
 * waits), and a paid order's payment intent (the amount Stripe received). A state mismatch is
 * repaired by CheckoutEventsHandler itself, given the event Stripe would have sent: it re-reads
 * the session and moves the order forward only, exactly as for a delivered webhook.
 */
@Injectable()
export class CheckoutReconciler implements OrderReconciler {
  readonly objectKind = 'checkout_session';

  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe,
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly sessions: CheckoutSessions,
    private readonly handler: CheckoutEventsHandler,
  ) {}

  async check(order: Order): Promise<OrderDrift[]> {
    // Pay-now orders are the PayNowReconciler's (it uses checkSession for their checkout).
    if (order.kind !== 'escrow') return [];
    if (order.charged === 0) return this.checkSession(order);
    return this.checkPaid(order);
  }

  /** An unpaid order's session, paid or expired on Stripe: repaired by replaying the event Stripe would have sent. */
  async checkSession(order: Order): Promise<OrderDrift[]> {
    if (!order.checkoutSessionId) return [];
    const session = await this.sessions.retrieve(order.checkoutSessionId);
    const paid = session.status === 'complete' && session.payment_status === 'paid';
    if (!paid && session.status !== 'expired') return [];
    const type = paid ? 'checkout.session.completed' : 'checkout.session.expired';
    return [
      {
        kind: 'state_mismatch',
        orderId: order.id,
        stripeObjectId: session.id,
        amount: paid ? (session.amount_total ?? 0) : 0,
        currency: order.currency,
        detail: `order is ${order.status}; its checkout session is ${paid ? 'paid' : 'expired'}`,
        repair: () => this.replay(type, session),
      },
    ];
  }

  private async checkPaid(order: Order): Promise<OrderDrift[]> {
    if (!order.paymentIntentId) return [];
    const intent = await this.stripe.paymentIntents.retrieve(order.paymentIntentId);
    if (intent.amount_received === order.charged) return [];
    return [
      {
        kind: 'amount_mismatch',
        orderId: order.id,
        stripeObjectId: intent.id,
        amount: Math.abs(intent.amount_received - order.charged),
        currency: order.currency,
        detail: `order charged ${order.charged}, Stripe received ${intent.amount_received}`,
      },
    ];
  }

  private replay(type: string, session: Stripe.Checkout.Session): Promise<void> {
    return replayThroughHandler(this.system, this.handler, type, session);
  }
}
