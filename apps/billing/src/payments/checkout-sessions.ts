import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { BILLING_ENV } from '../billing-env.token';
import type { BillingEnv } from '../config';
import { STRIPE } from '../stripe/stripe-client';
import type { Order } from './order';

/** Stripe's metadata on every checkout session and payment intent we create: how a webhook finds its order. */
export interface OrderMetadata {
  accountId: string;
  workspaceId: string;
  orderId: string;
  milestoneId: string;
}

/** Creating and expiring the Checkout Sessions that fund orders (Stripe side effects only). */
@Injectable()
export class CheckoutSessions {
  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(BILLING_ENV) private readonly env: BillingEnv,
  ) {}

  /**
   * A payment-mode session on the platform account for exactly the order's amount. The
   * idempotency key is the order id and attempt: a retry of the same attempt (our crash, a
   * network error) returns the same session, never a second one.
   */
  create(order: Order, attempt: number, title: string): Promise<Stripe.Checkout.Session> {
    return this.createPaymentSession(order, title, {}, `checkout:${order.id}:${attempt}`);
  }

  /**
   * Pay-now: a destination charge. Stripe transfers the charge to `destination` the moment it
   * succeeds and takes `applicationFee` back from that payment for the platform; no release
   * follows. No `on_behalf_of`: the platform stays the merchant of record, as for escrow
   * (docs/decisions.md).
   */
  createPayNow(order: Order, attempt: number, title: string, charge: { applicationFee: number; destination: string }) {
    return this.createPaymentSession(
      order,
      title,
      { application_fee_amount: charge.applicationFee, transfer_data: { destination: charge.destination } },
      `pay-now:${order.id}:${attempt}`,
    );
  }

  private createPaymentSession(
    order: Order,
    title: string,
    destinationCharge: Pick<Stripe.Checkout.SessionCreateParams.PaymentIntentData, 'application_fee_amount' | 'transfer_data'>,
    idempotencyKey: string,
  ): Promise<Stripe.Checkout.Session> {
    const metadata: OrderMetadata & Stripe.MetadataParam = {
      accountId: order.accountId,
      workspaceId: order.workspaceId,
      orderId: order.id,
      milestoneId: order.milestoneId,
    };
    const back = `${this.env.APP_PUBLIC_URL}/workspaces/${order.workspaceId}/milestones/${order.milestoneId}`;
    return this.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        client_reference_id: order.id,
        line_items: [
          {
            quantity: 1,
            price_data: { currency: order.currency.toLowerCase(), unit_amount: order.amount, product_data: { name: title.slice(0, 250) } },
          },
        ],
        payment_intent_data: { transfer_group: order.milestoneId, metadata, ...destinationCharge },
        metadata,
        success_url: `${back}?payment=success`,
        cancel_url: `${back}?payment=cancelled`,
      },
      { idempotencyKey },
    );
  }

  retrieve(sessionId: string): Promise<Stripe.Checkout.Session> {
    return this.stripe.checkout.sessions.retrieve(sessionId, { expand: ['payment_intent'] });
  }

  /** Closes a session that must not be paid any more; answers the session as it ended (complete if it was paid first). */
  async expire(sessionId: string): Promise<Stripe.Checkout.Session> {
    const session = await this.stripe.checkout.sessions.retrieve(sessionId);
    if (session.status !== 'open') return session;
    try {
      return await this.stripe.checkout.sessions.expire(sessionId);
    } catch (error) {
      // Paid (or expired) between the read and the expire: the session's own state says which.
      if (error instanceof Stripe.errors.StripeInvalidRequestError) return this.stripe.checkout.sessions.retrieve(sessionId);
      throw error;
    }
  }
}
