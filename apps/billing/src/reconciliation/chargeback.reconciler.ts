import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { outcomeOf } from '../chargebacks/chargeback';
import { ChargebackEventsHandler } from '../chargebacks/chargeback-events.handler';
import { CrossTenantChargebacksRepository } from '../chargebacks/chargebacks.repository';
import type { Order } from '../payments/order';
import { STRIPE } from '../stripe/stripe-client';
import { OrderDrift, OrderReconciler } from './order-reconciler';
import { replayThroughHandler } from './replayed-event';

/**
 * Chargebacks: the disputes Stripe holds on an order's charge against billing's chargebacks.
 * A dispute billing never saw, one Stripe closed that billing holds open, or one whose status
 * moved on is a state mismatch, repaired by replaying the dispute's event through
 * ChargebackEventsHandler (it re-reads the dispute and only moves forward: frozen release,
 * withdrawal and fee entries, the outcome). A dispute whose amount differs from what billing
 * recorded is an amount mismatch, for a human.
 */
@Injectable()
export class ChargebackReconciler implements OrderReconciler {
  readonly objectKind = 'dispute';

  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe,
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly chargebacks: CrossTenantChargebacksRepository,
    private readonly handler: ChargebackEventsHandler,
  ) {}

  async check(order: Order): Promise<OrderDrift[]> {
    if (!order.chargeId || order.charged === 0) return [];
    const disputes = (await this.stripe.disputes.list({ charge: order.chargeId, limit: 100 })).data;
    if (disputes.length === 0) return [];
    const known = new Map((await systemTransaction(this.system, (m) => this.chargebacks.listForOrder(m, order.id))).map((c) => [c.id, c]));
    const drifts: OrderDrift[] = [];
    for (const dispute of disputes) {
      const at = { orderId: order.id, currency: order.currency, stripeObjectId: dispute.id };
      const chargeback = known.get(dispute.id);
      const closedOnStripe = outcomeOf(dispute.status);
      const replay = (type: string) => () => replayThroughHandler(this.system, this.handler, type, dispute);
      if (!chargeback)
        drifts.push({
          ...at,
          kind: 'state_mismatch',
          amount: dispute.amount,
          detail: `Stripe holds dispute ${dispute.id} (${dispute.status}); billing never recorded it`,
          repair: replay(closedOnStripe ? 'charge.dispute.closed' : 'charge.dispute.created'),
        });
      else if (chargeback.amount !== dispute.amount)
        drifts.push({
          ...at,
          kind: 'amount_mismatch',
          amount: Math.abs(dispute.amount - chargeback.amount),
          detail: `billing recorded the dispute as ${chargeback.amount}, Stripe holds ${dispute.amount}`,
        });
      else if (!chargeback.outcome && closedOnStripe)
        drifts.push({
          ...at,
          kind: 'state_mismatch',
          amount: dispute.amount,
          detail: `Stripe closed the dispute (${dispute.status}); billing holds it open`,
          repair: replay('charge.dispute.closed'),
        });
      else if (!chargeback.outcome && chargeback.stripeStatus !== dispute.status)
        drifts.push({
          ...at,
          kind: 'state_mismatch',
          amount: 0,
          detail: `billing holds the dispute as ${chargeback.stripeStatus}, Stripe as ${dispute.status}`,
          repair: replay('charge.dispute.updated'),
        });
    }
    return drifts;
  }
}
