import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import type { Order } from '../payments/order';
import { ReleaseWorker } from '../release/release.worker';
import { STRIPE } from '../stripe/stripe-client';
import { OrderDrift, OrderReconciler } from './order-reconciler';

/**
 * Release: the transfer of a milestone (found by its transfer_group, as the release itself
 * finds it). A transfer Stripe made that the order does not record is repaired by the release
 * worker, which finds that transfer instead of making another; a transfer no approval asked
 * for, or one whose amount differs from the order's, is left for a human.
 */
@Injectable()
export class ReleaseReconciler implements OrderReconciler {
  readonly objectKind = 'transfer';

  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe,
    private readonly releases: ReleaseWorker,
  ) {}

  async check(order: Order): Promise<OrderDrift[]> {
    // A pay-now order's transfer is its destination charge's (the PayNowReconciler checks it).
    if (order.kind !== 'escrow' || (order.charged === 0 && !order.transferId)) return [];
    const listed = await this.stripe.transfers.list({ transfer_group: order.milestoneId, limit: 10 });
    const transfers = listed.data.filter((t) => t.metadata?.orderId === order.id);
    const drifts: OrderDrift[] = [];
    for (const transfer of transfers) {
      if (transfer.id === order.transferId) {
        // What the freelancer still holds: refunds and lost chargebacks after release reverse part of the transfer.
        const expected = order.released - order.platformFee;
        const kept = transfer.amount - transfer.amount_reversed;
        if (kept !== expected)
          drifts.push({
            kind: 'amount_mismatch',
            orderId: order.id,
            stripeObjectId: transfer.id,
            amount: Math.abs(kept - expected),
            currency: order.currency,
            detail: `order released ${expected} to the freelancer, the transfer keeps ${kept} (${transfer.amount} − ${transfer.amount_reversed} reversed)`,
          });
      } else if (!order.transferId && order.releaseRequestedAt) {
        drifts.push({
          kind: 'state_mismatch',
          orderId: order.id,
          stripeObjectId: transfer.id,
          amount: transfer.amount,
          currency: order.currency,
          detail: 'the release was made on Stripe but the order does not record it',
          repair: async () => {
            await this.releases.runOnce();
          },
        });
      } else {
        drifts.push({
          kind: 'orphan_stripe_object',
          orderId: order.id,
          stripeObjectId: transfer.id,
          amount: transfer.amount,
          currency: order.currency,
          detail: order.transferId ? `a second transfer besides ${order.transferId}` : 'a transfer no approval asked for',
        });
      }
    }
    return drifts;
  }
}
