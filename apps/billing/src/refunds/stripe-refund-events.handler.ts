import { Inject, Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import type { SystemManager } from '@fpms/database/tenant-manager';
import { InvoiceIssuer } from '../invoices/invoice-issuer';
import { LedgerRepository } from '../payments/ledger.repository';
import { MilestonePaymentEvents } from '../payments/milestone-payment-events';
import { Order, statusOf } from '../payments/order';
import { CrossTenantOrdersRepository } from '../payments/orders.repository';
import { CrossTenantChargebacksRepository } from '../chargebacks/chargebacks.repository';
import { STRIPE } from '../stripe/stripe-client';
import { StripeEventContext, StripeEventHandler } from '../webhooks/stripe-event-handler';
import { RefundsRepository } from './refunds.repository';

const REFUND_EVENTS = ['charge.refunded', 'refund.created', 'refund.updated'] as const;

/** Where one refund Stripe holds on an order's charge stands against billing's records. */
export type StripeRefundStanding =
  /** In the ledger already (billing made it, or an earlier event applied it). */
  | { kind: 'recorded'; ledgerAmount: number }
  /** Made by billing's executor, not yet committed on our side: the executor (its worker) finishes it. */
  | { kind: 'own_pending'; refundId: string }
  /** Made outside billing (the Dashboard, support) on money still held: applied as a refund. */
  | { kind: 'external' }
  /** Made outside billing on money that is no longer held (released, or more than is left): a human decides. */
  | { kind: 'unplaceable'; reason: string };

/**
 * Refunds as Stripe reports them. Billing's own refunds are recorded by the executor in the
 * transaction that made them, so their events find them in the ledger and change nothing. A
 * refund made outside billing (the Dashboard) on money still held in escrow is applied like
 * one of ours — `refunded` grows, one ledger entry keyed by the refund, one
 * billing.milestone.refunded — under the order's lock; every event re-lists the charge's
 * refunds from Stripe, so duplicates, any arrival order and the reconciliation's replay end
 * in the same state. A refund on released money cannot be placed (the freelancer holds that
 * money): it is logged and left to reconciliation, which reports it for a human.
 */
@Injectable()
export class StripeRefundEventsHandler implements StripeEventHandler {
  readonly eventTypes = REFUND_EVENTS;
  private readonly logger = new Logger(StripeRefundEventsHandler.name);

  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe,
    private readonly orders: CrossTenantChargebacksRepository,
    private readonly refunds: RefundsRepository,
    private readonly ledger: LedgerRepository,
    private readonly events: MilestonePaymentEvents,
    private readonly orderRows: CrossTenantOrdersRepository,
    private readonly invoicing: InvoiceIssuer,
  ) {}

  async handle(event: Stripe.Event, { manager, source }: StripeEventContext): Promise<void> {
    if (source !== 'platform') return;
    const chargeId = chargeOf(event);
    if (!chargeId) return;
    const order = await this.orders.lockOrderByCharge(manager, chargeId);
    if (!order) return; // Not a milestone payment.
    for (const { refund, standing } of await this.standings(manager, order)) {
      if (standing.kind === 'external') await this.apply(manager, order, refund, event.id);
      else if (standing.kind === 'unplaceable')
        this.logger.warn(`order ${order.id}: Stripe refund ${refund.id} (${refund.amount}) made outside billing: ${standing.reason}`);
    }
  }

  /**
   * Every succeeded refund Stripe holds on the order's charge with its standing, in creation
   * order (so the held money is spent in the order Stripe refunded it). Reads only; the caller
   * holds the order's lock when it acts on the answer.
   */
  async standings(manager: SystemManager, order: Order): Promise<Array<{ refund: Stripe.Refund; standing: StripeRefundStanding }>> {
    if (!order.chargeId) return [];
    const listed = (await this.stripe.refunds.list({ charge: order.chargeId, limit: 100 })).data
      .filter((r) => r.status === 'succeeded')
      .sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
    const ledger = await this.ledger.listForOrder(manager, order.id);
    const pending = await this.refunds.pendingTotal(manager, order.id);
    let held = order.charged - order.released - order.refunded - pending;
    const answer: Array<{ refund: Stripe.Refund; standing: StripeRefundStanding }> = [];
    for (const refund of listed) {
      const entry = ledger.find((e) => e.kind === 'refund' && e.stripeObjectId === refund.id);
      const ownId = refund.metadata?.refundId;
      let standing: StripeRefundStanding;
      if (entry) standing = { kind: 'recorded', ledgerAmount: entry.amount };
      else if (ownId && (await this.refunds.find(manager, ownId))) standing = { kind: 'own_pending', refundId: ownId };
      else if (order.transferId) standing = { kind: 'unplaceable', reason: 'the payment was released to the freelancer' };
      else if (refund.amount > held) standing = { kind: 'unplaceable', reason: `only ${Math.max(held, 0)} is held` };
      else {
        standing = { kind: 'external' };
        held -= refund.amount;
      }
      answer.push({ refund, standing });
    }
    return answer;
  }

  private async apply(manager: SystemManager, order: Order, refund: Stripe.Refund, eventId: string): Promise<void> {
    const isNew = await this.ledger.append(manager, order, {
      kind: 'refund',
      amount: refund.amount,
      stripeObjectId: refund.id,
      stripeEventId: eventId,
    });
    if (!isNew) return;
    order.refunded += refund.amount;
    if (order.refunded === order.charged) {
      // Nothing is left to release: a due release stops being retried.
      order.releaseRequestedAt = null;
      order.releaseNextAttemptAt = null;
      order.releaseLastError = null;
    }
    order.status = statusOf(order, false);
    order.version += 1;
    await this.orderRows.save(manager, order);
    await this.events.refunded(manager, order, { refundId: refund.id, amount: refund.amount, afterRelease: false });
    await this.invoicing.issueCreditNote(manager, order, { refundKey: refund.id, amount: refund.amount });
    this.logger.log(`order ${order.id}: applied Stripe refund ${refund.id} (${refund.amount}) made outside billing`);
  }
}

function chargeOf(event: Stripe.Event): string | null {
  const object = event.data.object as { object?: string; id: string; charge?: string | { id: string } | null };
  if (object.object === 'charge') return object.id;
  if (!object.charge) return null;
  return typeof object.charge === 'string' ? object.charge : object.charge.id;
}
