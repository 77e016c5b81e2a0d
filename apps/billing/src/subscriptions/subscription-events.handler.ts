import { Inject, Injectable, Logger } from '@nestjs/common';
import type Stripe from 'stripe';
import type { SystemManager } from '@fpms/database/tenant-manager';
import { BILLING_ENV } from '../billing-env.token';
import type { BillingEnv } from '../config';
import type { StripeEventContext, StripeEventHandler } from '../webhooks/stripe-event-handler';
import { PlanPrices } from './plan-prices';
import { applyInvoicePaid, applyRenewalFailure, applySubscription, grantsPlan } from './subscription-state';
import { SubscriptionStateWriter } from './subscription-state-writer';
import { SubscriptionRecord, SubscriptionsRepository } from './subscriptions.repository';
import { StripeSubscriptions } from './stripe-subscriptions';

const SUBSCRIPTION_EVENTS = ['customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted'];
const INVOICE_EVENTS = ['invoice.paid', 'invoice.payment_failed'];

const idOf = (ref: string | { id: string } | null | undefined) => (typeof ref === 'string' ? ref : (ref?.id ?? null));

/**
 * The only writer of subscription state. Each event only says which object to look at:
 * under the account's row lock the subscription (or invoice) is re-fetched from Stripe and
 * its state now is applied, so duplicates, reordering and stale payloads all end in
 * Stripe's current state (docs/decisions.md, "Subscriptions follow Stripe"). The account is
 * found by its Stripe customer, which billing created and recorded before any checkout;
 * events of customers we do not hold are not ours.
 */
@Injectable()
export class SubscriptionEventsHandler implements StripeEventHandler {
  readonly eventTypes = [...SUBSCRIPTION_EVENTS, ...INVOICE_EVENTS] as const;
  private readonly logger = new Logger(SubscriptionEventsHandler.name);

  constructor(
    private readonly subscriptions: SubscriptionsRepository,
    private readonly writer: SubscriptionStateWriter,
    private readonly stripe: StripeSubscriptions,
    private readonly prices: PlanPrices,
    @Inject(BILLING_ENV) private readonly env: BillingEnv,
  ) {}

  async handle(event: Stripe.Event, { manager, source }: StripeEventContext): Promise<void> {
    if (source !== 'platform' || event.account) return;
    const object = event.data.object as { id: string; customer?: string | { id: string } | null };
    const customerId = idOf(object.customer);
    if (!customerId) return;
    const accountId = await this.subscriptions.accountOfCustomer(manager, customerId);
    if (!accountId) return;
    const held = await this.subscriptions.lock(manager, accountId);
    if (!held) return;
    if (SUBSCRIPTION_EVENTS.includes(event.type)) return this.onSubscription(manager, held, object.id);
    return this.onInvoice(manager, held, event, object.id);
  }

  private async onSubscription(manager: SystemManager, held: SubscriptionRecord, subscriptionId: string): Promise<void> {
    // One subscription per account: another one only takes over once the held one no longer grants its plan.
    if (held.stripeSubscriptionId && held.stripeSubscriptionId !== subscriptionId && grantsPlan(held.status)) {
      const other = await this.stripe.retrieve(held.stripeSubscriptionId);
      if (grantsPlan(other.status)) {
        this.logger.warn(`account ${held.accountId}: subscription ${subscriptionId} ignored while ${held.stripeSubscriptionId} runs`);
        return;
      }
      await this.writer.write(
        manager,
        held,
        applySubscription(held, other, (p) => this.prices.planOf(p), new Date()),
      );
      return this.onSubscription(manager, (await this.subscriptions.lock(manager, held.accountId))!, subscriptionId);
    }
    const current = await this.stripe.retrieve(subscriptionId);
    await this.writer.write(
      manager,
      held,
      applySubscription(held, current, (p) => this.prices.planOf(p), new Date()),
    );
  }

  private async onInvoice(manager: SystemManager, held: SubscriptionRecord, event: Stripe.Event, invoiceId: string): Promise<void> {
    const invoice = await this.stripe.retrieveInvoice(invoiceId);
    const next =
      event.type === 'invoice.payment_failed'
        ? applyRenewalFailure(held, invoice, new Date(event.created * 1000), this.env.SUBSCRIPTION_GRACE_DAYS)
        : applyInvoicePaid(held, invoice);
    if (next !== held) await this.writer.write(manager, held, next);
  }
}
