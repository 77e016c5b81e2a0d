import { Inject, Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { Clock } from '@fpms/common/scheduling/clock';
import type { SystemManager } from '@fpms/database/tenant-manager';
import { InvoiceIssuer } from '../invoices/invoice-issuer';
import { STRIPE } from '../stripe/stripe-client';
import { StripeEventContext, StripeEventHandler } from '../webhooks/stripe-event-handler';
import { CheckoutSessions } from './checkout-sessions';
import { LedgerRepository } from './ledger.repository';
import { MilestonePaymentEvents } from './milestone-payment-events';
import { Order, statusOf } from './order';
import { CrossTenantOrdersRepository } from './orders.repository';

const CHECKOUT_EVENTS = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
] as const;

/**
 * Moves orders on Checkout's events. The event only says which session to look at: the
 * session is re-read from Stripe, so a late, duplicated or reordered event acts on the
 * session's state now. The order only moves forward: once money arrived, an expiry or a
 * failure of any session changes nothing.
 */
@Injectable()
export class CheckoutEventsHandler implements StripeEventHandler {
  readonly eventTypes = CHECKOUT_EVENTS;
  private readonly logger = new Logger(CheckoutEventsHandler.name);

  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe,
    private readonly sessions: CheckoutSessions,
    private readonly orders: CrossTenantOrdersRepository,
    private readonly ledger: LedgerRepository,
    private readonly events: MilestonePaymentEvents,
    private readonly invoicing: InvoiceIssuer,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async handle(event: Stripe.Event, { manager }: StripeEventContext): Promise<void> {
    const payload = event.data.object as Stripe.Checkout.Session;
    const orderId = payload.metadata?.orderId;
    // Not a milestone checkout (a subscription's, another integration's): nothing of ours moves.
    if (payload.mode !== 'payment' || !orderId) return;
    const order = await this.orders.lockById(manager, orderId);
    if (!order) return;
    const session = await this.sessions.retrieve(payload.id);
    if (session.status === 'complete' && session.payment_status === 'paid') {
      await this.applyPaid(manager, order, session, event.id);
    } else if (session.status === 'expired' || (session.status === 'complete' && event.type === 'checkout.session.async_payment_failed')) {
      await this.applyFailed(manager, order, session, session.status === 'expired' ? 'checkout_expired' : 'async_payment_failed');
    }
    // Otherwise (completed, an asynchronous payment still pending): wait for its outcome event.
  }

  private async applyPaid(manager: SystemManager, order: Order, session: Stripe.Checkout.Session, eventId: string): Promise<void> {
    const paymentIntent = session.payment_intent as Stripe.PaymentIntent | null;
    if (!paymentIntent || typeof paymentIntent === 'string')
      throw new Error(`checkout session ${session.id} is paid but has no payment intent`);
    if (order.charged > 0) {
      if (order.paymentIntentId !== paymentIntent.id) {
        // Sessions are expired before a new one is made, so this means Stripe took two payments.
        this.logger.error(`order ${order.id} was paid twice: ${order.paymentIntentId} and ${paymentIntent.id}; refund the second by hand`);
      }
      return;
    }
    const chargeId = typeof paymentIntent.latest_charge === 'string' ? paymentIntent.latest_charge : paymentIntent.latest_charge?.id;
    if (!chargeId) throw new Error(`payment intent ${paymentIntent.id} has no charge yet`);
    const charge = await this.stripe.charges.retrieve(chargeId, { expand: ['balance_transaction'] });
    const amount = session.amount_total ?? paymentIntent.amount_received;

    order.charged = amount;
    order.paymentIntentId = paymentIntent.id;
    order.chargeId = chargeId;
    order.checkoutSessionId = session.id;
    order.status = statusOf(order, false);
    order.version += 1;
    await this.orders.save(manager, order);
    await this.ledger.append(manager, order, { kind: 'charge', amount, stripeObjectId: chargeId, stripeEventId: eventId });
    const balance = charge.balance_transaction as Stripe.BalanceTransaction | string | null;
    if (balance && typeof balance !== 'string' && balance.fee > 0) {
      await this.ledger.append(manager, order, {
        kind: 'stripe_fee',
        amount: balance.fee,
        stripeObjectId: balance.id,
        stripeEventId: eventId,
      });
    }
    await this.events.funded(manager, order, chargeId);
    if (order.kind === 'pay_now') await this.applyDestinationTransfer(manager, order, charge, eventId);
    // The payment's invoice, numbered in this transaction: the charge and its invoice commit together.
    await this.invoicing.issueInvoice(manager, order);
  }

  /**
   * A pay-now charge is a destination charge: Stripe transferred it to the freelancer as it
   * succeeded and took the application fee back for the platform. Recorded as the release it
   * is — the transfer net of the fee (what the freelancer keeps, as for an escrow release),
   * the fee as the platform's — with billing.milestone.released right after funded.
   */
  private async applyDestinationTransfer(manager: SystemManager, order: Order, charge: Stripe.Charge, eventId: string): Promise<void> {
    const transferId = typeof charge.transfer === 'string' ? charge.transfer : charge.transfer?.id;
    if (!transferId) throw new Error(`pay-now charge ${charge.id} has no transfer yet`);
    const transfer = await this.stripe.transfers.retrieve(transferId);
    const feeId = typeof charge.application_fee === 'string' ? charge.application_fee : (charge.application_fee?.id ?? null);
    const fee = feeId ? (await this.stripe.applicationFees.retrieve(feeId)).amount : 0;
    order.released = order.charged;
    order.platformFee = fee;
    order.transferId = transfer.id;
    order.applicationFeeId = feeId;
    order.releasedAt = this.clock.now();
    order.status = statusOf(order, false);
    order.version += 1;
    await this.orders.save(manager, order);
    await this.ledger.append(manager, order, {
      kind: 'transfer',
      amount: transfer.amount - fee,
      stripeObjectId: transfer.id,
      stripeEventId: eventId,
    });
    if (fee > 0 && feeId)
      await this.ledger.append(manager, order, { kind: 'platform_fee', amount: fee, stripeObjectId: feeId, stripeEventId: eventId });
    await this.events.released(manager, order, { id: transfer.id, amount: transfer.amount - fee });
  }

  private async applyFailed(manager: SystemManager, order: Order, session: Stripe.Checkout.Session, code: string): Promise<void> {
    // Money arrived (through this or a later session), or this session is no longer the order's: nothing to undo.
    if (order.charged > 0 || order.checkoutSessionId !== session.id) return;
    order.checkoutSessionId = null;
    order.checkoutUrl = null;
    order.checkoutExpiresAt = null;
    order.status = statusOf(order, true);
    order.version += 1;
    await this.orders.save(manager, order);
    await this.events.paymentFailed(manager, order, {
      code,
      message: code === 'checkout_expired' ? 'The checkout expired before it was paid' : 'The payment failed',
    });
  }
}
