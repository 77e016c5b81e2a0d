import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { LedgerRepository } from '../payments/ledger.repository';
import type { Order } from '../payments/order';
import { RefundExecutor } from '../refunds/refund-executor';
import { StripeRefundEventsHandler } from '../refunds/stripe-refund-events.handler';
import { OrderDrift, OrderReconciler } from './order-reconciler';
import { replayThroughHandler } from './replayed-event';

/**
 * Refunds: the refunds Stripe holds on an order's charge against the order's ledger.
 * - one of billing's own that Stripe made but the order does not record (the executor's
 *   transaction was lost): state mismatch, repaired by the executor (it finds that refund by
 *   its metadata instead of making another);
 * - one made outside billing on money still held (its `charge.refunded` never arrived): state
 *   mismatch, repaired by replaying the event through StripeRefundEventsHandler;
 * - one made outside billing on released money: an orphan, for a human;
 * - a ledger refund whose amount differs from Stripe's, or that Stripe does not hold: an
 *   amount mismatch, for a human (never overwritten).
 */
@Injectable()
export class RefundReconciler implements OrderReconciler {
  readonly objectKind = 'refund';

  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly handler: StripeRefundEventsHandler,
    private readonly executor: RefundExecutor,
    private readonly ledger: LedgerRepository,
  ) {}

  async check(order: Order): Promise<OrderDrift[]> {
    if (!order.chargeId || order.charged === 0) return [];
    const { standings, ledger } = await systemTransaction(this.system, async (m) => ({
      standings: await this.handler.standings(m, order),
      ledger: await this.ledger.listForOrder(m, order.id),
    }));
    const drifts: OrderDrift[] = [];
    const base = { orderId: order.id, currency: order.currency };
    for (const { refund, standing } of standings) {
      const at = { ...base, stripeObjectId: refund.id };
      if (standing.kind === 'recorded' && standing.ledgerAmount !== refund.amount)
        drifts.push({
          ...at,
          kind: 'amount_mismatch',
          amount: Math.abs(refund.amount - standing.ledgerAmount),
          detail: `the ledger records refund ${refund.id} as ${standing.ledgerAmount}, Stripe as ${refund.amount}`,
        });
      else if (standing.kind === 'own_pending')
        drifts.push({
          ...at,
          kind: 'state_mismatch',
          amount: refund.amount,
          detail: `Stripe made refund ${standing.refundId}; the order does not record it`,
          repair: async () => {
            await this.executor.run(standing.refundId, order.id);
          },
        });
      else if (standing.kind === 'external')
        drifts.push({
          ...at,
          kind: 'state_mismatch',
          amount: refund.amount,
          detail: 'a refund made outside billing on money held in escrow; the order does not record it',
          repair: () =>
            replayThroughHandler(this.system, this.handler, 'charge.refunded', { id: order.chargeId as string, object: 'charge' } as never),
        });
      else if (standing.kind === 'unplaceable')
        drifts.push({
          ...at,
          kind: 'orphan_stripe_object',
          amount: refund.amount,
          detail: `a refund made outside billing: ${standing.reason}`,
        });
    }
    const onStripe = new Set(standings.map((s) => s.refund.id));
    for (const entry of ledger.filter((e) => e.kind === 'refund' && !onStripe.has(e.stripeObjectId)))
      drifts.push({
        ...base,
        kind: 'amount_mismatch',
        stripeObjectId: entry.stripeObjectId,
        amount: entry.amount,
        detail: `the ledger records refund ${entry.stripeObjectId}, which Stripe does not hold as succeeded`,
      });
    return drifts;
  }
}
