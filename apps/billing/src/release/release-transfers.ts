import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { STRIPE } from '../stripe/stripe-client';
import type { Order } from '../payments/order';

/** The Transfer that releases an order's escrow to the freelancer's connected account (Stripe side effects only). */
@Injectable()
export class ReleaseTransfers {
  constructor(@Inject(STRIPE) private readonly stripe: Stripe) {}

  /**
   * Creates the transfer once. Our idempotency key covers retries within Stripe's 24 hours;
   * past that, the transfer already made for this milestone (its transfer_group) is found
   * and returned instead of making a second one.
   */
  async release(order: Order, destination: string, amount: number): Promise<Stripe.Transfer> {
    const existing = await this.stripe.transfers.list({ transfer_group: order.milestoneId, limit: 10 });
    const made = existing.data.find((t) => t.metadata?.orderId === order.id);
    if (made) return made;
    return this.stripe.transfers.create(
      {
        amount,
        currency: order.currency.toLowerCase(),
        destination,
        source_transaction: order.chargeId ?? undefined,
        transfer_group: order.milestoneId,
        metadata: { orderId: order.id, milestoneId: order.milestoneId, workspaceId: order.workspaceId, accountId: order.accountId },
      },
      { idempotencyKey: `release:${order.milestoneId}` },
    );
  }
}
