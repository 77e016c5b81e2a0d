import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { BILLING_ENV } from '../billing-env.token';
import type { BillingEnv } from '../config';
import { STRIPE } from '../stripe/stripe-client';
import { SubscriptionError } from './subscriptions.errors';

/** The metadata key naming our account on its Stripe customer and subscriptions. */
export const ACCOUNT_ID_METADATA = 'fpms_account_id';

/** Where Checkout sends the owner back to (the web app's plan settings). */
const PLAN_PAGE = '/settings/plan';

/** Stripe's customers, subscription Checkout, subscriptions, schedules and invoices: the only place billing calls them. */
@Injectable()
export class StripeSubscriptions {
  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(BILLING_ENV) private readonly env: BillingEnv,
  ) {}

  /** The account's one customer: the idempotency key is our account id, so racing first checkouts get the same one. */
  createCustomer(accountId: string): Promise<Stripe.Customer> {
    return this.call(() =>
      this.stripe.customers.create(
        { metadata: { [ACCOUNT_ID_METADATA]: accountId } },
        { idempotencyKey: `subscription-customer:${accountId}` },
      ),
    );
  }

  /**
   * A Checkout Session in subscription mode for one price. The key names the account, the
   * price and the entitlements' version: a retry (or a second click) before the subscription
   * starts answers the same page; once it started, the version moved and a new key applies.
   */
  createCheckout(input: {
    accountId: string;
    customerId: string;
    priceId: string;
    plan: string;
    interval: string;
    version: number;
  }): Promise<Stripe.Checkout.Session> {
    const base = this.env.APP_PUBLIC_URL.replace(/\/+$/, '');
    const metadata = { [ACCOUNT_ID_METADATA]: input.accountId, fpms_plan: input.plan, fpms_interval: input.interval };
    return this.call(() =>
      this.stripe.checkout.sessions.create(
        {
          mode: 'subscription',
          customer: input.customerId,
          client_reference_id: input.accountId,
          line_items: [{ price: input.priceId, quantity: 1 }],
          subscription_data: { metadata },
          metadata,
          success_url: `${base}${PLAN_PAGE}?checkout=done&session={CHECKOUT_SESSION_ID}`,
          cancel_url: `${base}${PLAN_PAGE}?checkout=cancelled`,
        },
        { idempotencyKey: `subscription-checkout:${input.accountId}:${input.priceId}:v${input.version}` },
      ),
    );
  }

  /** The subscription as Stripe holds it now, its schedule expanded (the pending change). */
  retrieve(subscriptionId: string): Promise<Stripe.Subscription> {
    return this.call(() => this.stripe.subscriptions.retrieve(subscriptionId, { expand: ['schedule'] }));
  }

  retrieveInvoice(invoiceId: string): Promise<Stripe.Invoice> {
    return this.call(() => this.stripe.invoices.retrieve(invoiceId));
  }

  /**
   * Another price at once, the difference billed now (credit for the old price's unused
   * time, charge for the new one's, to the second). The key names the subscription's latest
   * invoice: a retry of this change reuses it, and the next change (after this one's invoice) cannot.
   */
  changeNow(sub: Stripe.Subscription, priceId: string): Promise<Stripe.Subscription> {
    const latest = typeof sub.latest_invoice === 'string' ? sub.latest_invoice : (sub.latest_invoice?.id ?? 'none');
    return this.call(() =>
      this.stripe.subscriptions.update(
        sub.id,
        { items: [{ id: sub.items.data[0].id, price: priceId }], proration_behavior: 'always_invoice' },
        { idempotencyKey: `subscription-change:${sub.id}:${latest}:${priceId}` },
      ),
    );
  }

  /**
   * Another price from the period's end, as Stripe does it: a schedule from the subscription
   * whose second phase (one period of the new price) starts when the current one ends, then
   * releases the subscription. No idempotency key: Stripe refuses a second schedule on the
   * same subscription, which is what keeps a retry from making two.
   */
  async changeAtPeriodEnd(sub: Stripe.Subscription, priceId: string, interval: Stripe.Price.Recurring.Interval): Promise<void> {
    const item = sub.items.data[0];
    const schedule = await this.call(() => this.stripe.subscriptionSchedules.create({ from_subscription: sub.id }));
    await this.call(() =>
      this.stripe.subscriptionSchedules.update(schedule.id, {
        end_behavior: 'release',
        phases: [
          {
            items: [{ price: item.price.id, quantity: item.quantity ?? 1 }],
            start_date: item.current_period_start,
            end_date: item.current_period_end,
          },
          { items: [{ price: priceId, quantity: 1 }], duration: { interval, interval_count: 1 } },
        ],
      }),
    );
  }

  /** Drops a scheduled change (the subscription stays as it is). */
  releaseSchedule(scheduleId: string): Promise<Stripe.SubscriptionSchedule> {
    return this.call(() => this.stripe.subscriptionSchedules.release(scheduleId));
  }

  cancelAtPeriodEnd(subscriptionId: string): Promise<Stripe.Subscription> {
    return this.call(() =>
      this.stripe.subscriptions.update(
        subscriptionId,
        { cancel_at_period_end: true },
        { idempotencyKey: `subscription-cancel:${subscriptionId}` },
      ),
    );
  }

  /** Stripe being down or throttling is a 503 the caller may retry; anything else stays an error of ours. */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const transient =
        error instanceof Stripe.errors.StripeConnectionError ||
        error instanceof Stripe.errors.StripeRateLimitError ||
        (error instanceof Stripe.errors.StripeError && (error.statusCode ?? 0) >= 500);
      if (transient) throw SubscriptionError.stripeUnavailable();
      throw error;
    }
  }
}
