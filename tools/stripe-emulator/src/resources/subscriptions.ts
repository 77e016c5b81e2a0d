import type Stripe from 'stripe';
import type { Core } from '../core';
import { previousAttributes } from '../events/bus';
import { invalidRequest, missingParam } from '../http/errors';
import { mergeMetadata } from '../http/form';
import { listOf, paginate } from '../http/list';
import type { ApiRouter } from '../http/router';
import { newId } from '../ids';
import { assertTransferDestination } from '../money/transfers';
import { priceFromData } from './catalog';
import { attemptInvoicePayment, createSubscriptionInvoice, DAY, registerInvoices } from './invoices';

/** Adds a billing interval in calendar terms (a month from Jan 31 is Feb 28/29, as on Stripe). */
export function addInterval(unix: number, interval: Stripe.Price.Recurring.Interval, count: number): number {
  const d = new Date(unix * 1000);
  switch (interval) {
    case 'day':
      return unix + count * DAY;
    case 'week':
      return unix + count * 7 * DAY;
    case 'month':
    case 'year': {
      const months = interval === 'month' ? count : count * 12;
      const day = d.getUTCDate();
      const target = new Date(
        Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()),
      );
      const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
      target.setUTCDate(Math.min(day, lastDay));
      return Math.floor(target.getTime() / 1000);
    }
    default:
      throw invalidRequest(`Unknown interval ${String(interval)}`);
  }
}

/**
 * The end of the period that starts at `start`, counted from the billing cycle anchor as
 * Stripe does: the n-th period ends n intervals after the anchor, so an anchor on Jan 31
 * renews on Feb 28 (29), then Mar 31 — not Mar 28, as adding a month to Feb 28 would.
 */
export function periodEndAfter(anchor: number, recurring: Stripe.Price.Recurring, start: number): number {
  for (let n = 1; ; n += 1) {
    const end = addInterval(anchor, recurring.interval, recurring.interval_count * n);
    if (end > start) return end;
  }
}

/**
 * What Stripe charges or credits for the rest of a period when a price changes at `at`:
 * the price's amount × the share of the period left, to the second, rounded to a minor unit.
 */
export function prorate(amount: number, period: { start: number; end: number }, at: number): number {
  const length = period.end - period.start;
  if (length <= 0) return 0;
  return Math.round((amount * (period.end - at)) / length);
}

const prorationDate = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 10);

export interface SubscriptionInput {
  customer: string;
  items: Array<{ price: Stripe.Price; quantity: number }>;
  defaultPaymentMethod: string | null;
  metadata: Record<string, string>;
  applicationFeePercent: number | null;
  transferDestination: string | null;
}

function planOf(price: Stripe.Price): Stripe.Plan {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: price.recurring!.interval,
    interval_count: price.recurring!.interval_count,
    livemode: false,
    metadata: price.metadata,
    meter: null,
    nickname: price.nickname,
    product: price.product as string,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}

/**
 * Subscriptions: created active when the first invoice is paid (otherwise `incomplete`),
 * renewed on the emulated clock at each period end. A failed renewal leaves the invoice
 * open, makes the subscription `past_due`, and Stripe's smart retries try again after
 * the configured days; when all retries fail the subscription is canceled.
 */
export class Subscriptions {
  constructor(private readonly core: Core) {}

  private pmFor(owner: string, sub: Stripe.Subscription): string | null {
    if (typeof sub.default_payment_method === 'string') return sub.default_payment_method;
    const customer = this.core.state.customers.find(sub.customer as string, owner);
    const dpm = customer?.invoice_settings.default_payment_method;
    return typeof dpm === 'string' ? dpm : null;
  }

  private control(subId: string) {
    let c = this.core.state.subscriptionControls.get(subId);
    if (!c) {
      c = { failNext: 0, pendingProrations: [] };
      this.core.state.subscriptionControls.set(subId, c);
    }
    return c;
  }

  private consumeForcedFailure(subId: string): boolean {
    const c = this.control(subId);
    if (c.failNext <= 0) return false;
    c.failNext -= 1;
    return true;
  }

  failNextRenewals(owner: string, subId: string, times: number): Stripe.Subscription {
    const sub = this.core.state.subscriptions.get(subId, owner);
    this.control(sub.id).failNext = times;
    return sub;
  }

  create(owner: string, input: SubscriptionInput): { subscription: Stripe.Subscription; invoice: Stripe.Invoice } {
    const { core } = this;
    if (input.items.length === 0) throw missingParam('items');
    const currency = input.items[0].price.currency;
    for (const item of input.items) {
      if (!item.price.recurring)
        throw invalidRequest(`The price specified (${item.price.id}) is not a recurring price.`, { param: 'items' });
      if (item.price.currency !== currency)
        throw invalidRequest('All prices on a subscription must have the same currency.', { param: 'items' });
    }
    if (input.transferDestination) assertTransferDestination(core, input.transferDestination, 'transfer_data[destination]');
    const now = core.now();
    const id = newId('sub');
    const rec = input.items[0].price.recurring!;
    const end = addInterval(now, rec.interval, rec.interval_count);
    const items: Stripe.SubscriptionItem[] = input.items.map((i) => ({
      id: newId('si'),
      object: 'subscription_item',
      billing_thresholds: null,
      created: now,
      current_period_end: end,
      current_period_start: now,
      current_trial: null,
      discounts: [],
      metadata: {},
      plan: planOf(i.price),
      price: i.price,
      quantity: i.quantity,
      subscription: id,
      tax_rates: [],
    }));
    const sub: Stripe.Subscription = {
      id,
      object: 'subscription',
      application: null,
      application_fee_percent: input.applicationFeePercent,
      automatic_tax: { disabled_reason: null, enabled: false, liability: null },
      billing_cycle_anchor: now,
      billing_cycle_anchor_config: null,
      billing_mode: { flexible: null, type: 'classic' },
      billing_schedules: [],
      billing_thresholds: null,
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
      collection_method: 'charge_automatically',
      created: now,
      currency,
      customer: input.customer,
      customer_account: null,
      days_until_due: null,
      default_payment_method: input.defaultPaymentMethod,
      default_source: null,
      default_tax_rates: [],
      description: null,
      discounts: [],
      ended_at: null,
      invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' } },
      items: listOf(items, `/v1/subscription_items?subscription=${id}`),
      latest_invoice: null,
      livemode: false,
      managed_payments: null,
      metadata: input.metadata,
      next_pending_invoice_item_invoice: null,
      on_behalf_of: null,
      pause_collection: null,
      payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
      pending_invoice_item_interval: null,
      pending_setup_intent: null,
      pending_update: null,
      schedule: null,
      start_date: now,
      status: 'incomplete',
      test_clock: null,
      transfer_data: input.transferDestination ? { amount_percent: null, destination: input.transferDestination } : null,
      trial_end: null,
      trial_settings: { end_behavior: { billing_cycle_anchor: null, missing_payment_method: 'create_invoice' } },
      trial_start: null,
    };
    core.state.subscriptions.insert(owner, sub);
    const invoice = createSubscriptionInvoice(
      core,
      owner,
      sub,
      items.map((i) => ({ price: i.price, quantity: i.quantity ?? 1, subscriptionItem: i.id, period: { start: now, end } })),
      'subscription_create',
      { start: now, end: now },
    );
    sub.latest_invoice = invoice.id;
    const outcome = attemptInvoicePayment(core, owner, invoice, this.pmFor(owner, sub), this.consumeForcedFailure(sub.id));
    if (outcome === 'paid') sub.status = 'active';
    core.events.publish('customer.subscription.created', owner, sub);
    if (outcome === 'paid') this.scheduleRenewal(owner, sub);
    return { subscription: sub, invoice };
  }

  private scheduleRenewal(owner: string, sub: Stripe.Subscription): void {
    const control = this.control(sub.id);
    control.cancelTimer?.();
    const at = sub.items.data[0].current_period_end;
    control.cancelTimer = this.core.clock.schedule(at * 1000, `subscription ${sub.id} renewal`, () => this.renew(owner, sub.id));
  }

  private setStatus(owner: string, sub: Stripe.Subscription, mutate: () => void): void {
    const before = JSON.parse(JSON.stringify(sub)) as Stripe.Subscription;
    mutate();
    const prev = previousAttributes(before, sub);
    if (Object.keys(prev).length > 0) this.core.events.publish('customer.subscription.updated', owner, sub, prev);
  }

  /**
   * Period end: cancel if asked to, otherwise move to the schedule's next phase if one starts
   * now, start the next period and bill it. The invoice covers the period that just ended
   * (its `period_start`/`period_end`); its lines pay the new period in advance, plus any
   * prorations left pending by changes during the old one.
   */
  renew(owner: string, subId: string): void {
    const { core } = this;
    const sub = core.state.subscriptions.find(subId, owner);
    if (!sub || sub.status === 'canceled' || sub.status === 'incomplete_expired') return;
    if (sub.cancel_at_period_end) {
      this.cancel(owner, sub, 'cancellation_requested');
      return;
    }
    const ended = { start: sub.items.data[0].current_period_start, end: sub.items.data[0].current_period_end };
    const start = ended.end;
    this.setStatus(owner, sub, () => {
      const phase = this.schedules?.phaseStartingAt(owner, sub, start);
      if (phase) {
        const interval = sub.items.data[0].price.recurring!;
        this.replaceItems(sub, phase);
        const next = sub.items.data[0].price.recurring!;
        // A new interval starts a new billing cycle, as on Stripe.
        if (next.interval !== interval.interval || next.interval_count !== interval.interval_count) sub.billing_cycle_anchor = start;
      }
      const end = periodEndAfter(sub.billing_cycle_anchor, sub.items.data[0].price.recurring!, start);
      for (const item of sub.items.data) {
        item.current_period_start = start;
        item.current_period_end = end;
      }
    });
    const control = this.control(sub.id);
    const pending = control.pendingProrations.splice(0);
    const invoice = createSubscriptionInvoice(
      core,
      owner,
      sub,
      [
        ...pending,
        ...sub.items.data.map((i) => ({
          price: i.price,
          quantity: i.quantity ?? 1,
          subscriptionItem: i.id,
          period: { start, end: i.current_period_end },
        })),
      ],
      'subscription_cycle',
      ended,
    );
    sub.latest_invoice = invoice.id;
    this.scheduleRenewal(owner, sub);
    this.collect(owner, sub, invoice);
  }

  /** Schedules (set by app.ts): phases that change the subscription at a period boundary. */
  schedules?: {
    phaseStartingAt(owner: string, sub: Stripe.Subscription, at: number): Array<{ price: Stripe.Price; quantity: number }> | null;
  };

  private replaceItems(sub: Stripe.Subscription, items: Array<{ price: Stripe.Price; quantity: number }>): void {
    const current = sub.items.data;
    sub.items.data = items.map((i, n) => ({
      ...(current[n] ?? {
        id: newId('si'),
        object: 'subscription_item' as const,
        billing_thresholds: null,
        created: this.core.now(),
        current_trial: null,
        discounts: [],
        metadata: {},
        subscription: sub.id,
        tax_rates: [],
        current_period_start: current[0].current_period_start,
        current_period_end: current[0].current_period_end,
      }),
      plan: planOf(i.price),
      price: i.price,
      quantity: i.quantity,
    }));
  }

  /**
   * Changes the subscription's prices mid-period, as `POST /v1/subscriptions/:id` with
   * `items` does. `proration_behavior`: `create_prorations` (default) leaves a credit for
   * the old price's unused time and a charge for the new price's remaining time (to the
   * second, from `proration_date`) on the next invoice; `always_invoice` bills them now;
   * `none` changes the price from the next period. A new interval restarts the billing
   * cycle now and bills the new period at once (with the credit), whatever the behaviour.
   */
  changeItems(
    owner: string,
    sub: Stripe.Subscription,
    items: Array<{ price: Stripe.Price; quantity: number }>,
    behavior: 'create_prorations' | 'always_invoice' | 'none',
    at: number,
  ): void {
    const { core } = this;
    if (sub.status !== 'active' && sub.status !== 'past_due' && sub.status !== 'trialing')
      throw invalidRequest(`The subscription is ${sub.status}; its items cannot change.`);
    const old = sub.items.data.map((i) => ({ price: i.price, quantity: i.quantity ?? 1, id: i.id }));
    const period = { start: old.length ? sub.items.data[0].current_period_start : at, end: sub.items.data[0].current_period_end };
    if (at < period.start || at > period.end)
      throw invalidRequest('proration_date must be within the current billing period.', { param: 'proration_date' });
    for (const i of items)
      if (i.price.currency !== sub.currency)
        throw invalidRequest('All prices on a subscription must have the same currency.', { param: 'items' });
    const oldRec = old[0].price.recurring!;
    const newRec = items[0].price.recurring!;
    const newCycle = oldRec.interval !== newRec.interval || oldRec.interval_count !== newRec.interval_count;
    const credits = old.map((o) => ({
      price: o.price,
      quantity: o.quantity,
      subscriptionItem: o.id,
      period: { start: at, end: period.end },
      proration: {
        amount: -prorate((o.price.unit_amount ?? 0) * o.quantity, period, at),
        description: `Unused time on ${o.quantity} × ${o.price.nickname ?? o.price.product} after ${prorationDate(at)}`,
      },
    }));
    this.setStatus(owner, sub, () => {
      this.replaceItems(sub, items);
      if (newCycle) {
        sub.billing_cycle_anchor = at;
        const end = periodEndAfter(at, newRec, at);
        for (const item of sub.items.data) {
          item.current_period_start = at;
          item.current_period_end = end;
        }
      }
    });
    if (newCycle) {
      const invoice = createSubscriptionInvoice(
        core,
        owner,
        sub,
        [
          ...(behavior === 'none' ? [] : credits),
          ...sub.items.data.map((i) => ({
            price: i.price,
            quantity: i.quantity ?? 1,
            subscriptionItem: i.id,
            period: { start: at, end: i.current_period_end },
          })),
        ],
        'subscription_update',
        { start: at, end: at },
      );
      sub.latest_invoice = invoice.id;
      this.scheduleRenewal(owner, sub);
      this.collect(owner, sub, invoice);
      return;
    }
    if (behavior === 'none') return;
    const charges = sub.items.data.map((i) => ({
      price: i.price,
      quantity: i.quantity ?? 1,
      subscriptionItem: i.id,
      period: { start: at, end: period.end },
      proration: {
        amount: prorate((i.price.unit_amount ?? 0) * (i.quantity ?? 1), period, at),
        description: `Remaining time on ${i.quantity ?? 1} × ${i.price.nickname ?? i.price.product} after ${prorationDate(at)}`,
      },
    }));
    if (behavior === 'create_prorations') {
      this.control(sub.id).pendingProrations.push(...credits, ...charges);
      return;
    }
    const invoice = createSubscriptionInvoice(core, owner, sub, [...credits, ...charges], 'subscription_update', { start: at, end: at });
    sub.latest_invoice = invoice.id;
    this.collect(owner, sub, invoice);
  }

  /** One automatic collection attempt, scheduling Stripe's smart retries on failure. */
  private collect(owner: string, sub: Stripe.Subscription, invoice: Stripe.Invoice): void {
    const { core } = this;
    const retryDays = core.options.subscriptionRetryDays;
    const attemptsBefore = invoice.attempt_count;
    invoice.next_payment_attempt = attemptsBefore < retryDays.length ? core.now() + retryDays[attemptsBefore] * DAY : null;
    const outcome = attemptInvoicePayment(core, owner, invoice, this.pmFor(owner, sub), this.consumeForcedFailure(sub.id));
    if (outcome === 'paid') {
      this.onInvoicePaid(owner, invoice);
      return;
    }
    if (sub.status !== 'past_due') this.setStatus(owner, sub, () => (sub.status = 'past_due'));
    if (invoice.next_payment_attempt === null) {
      this.cancel(owner, sub, 'payment_failed');
      return;
    }
    core.clock.schedule(invoice.next_payment_attempt * 1000, `invoice ${invoice.id} retry`, () => {
      const current = core.state.invoices.find(invoice.id, owner);
      const s = core.state.subscriptions.find(sub.id, owner);
      if (current?.status === 'open' && s && s.status !== 'canceled') this.collect(owner, s, current);
    });
  }

  /** An invoice got paid (automatically or through `POST /v1/invoices/:id/pay`). */
  onInvoicePaid(owner: string, invoice: Stripe.Invoice): void {
    const subId = invoice.parent?.subscription_details?.subscription as string | undefined;
    const sub = subId ? this.core.state.subscriptions.find(subId, owner) : undefined;
    if (!sub || sub.status === 'canceled') return;
    if (sub.status !== 'active') {
      const wasIncomplete = sub.status === 'incomplete';
      this.setStatus(owner, sub, () => (sub.status = 'active'));
      if (wasIncomplete) this.scheduleRenewal(owner, sub);
    }
  }

  cancel(owner: string, sub: Stripe.Subscription, reason: Stripe.Subscription.CancellationDetails.Reason): Stripe.Subscription {
    if (sub.status === 'canceled') throw invalidRequest(`No such subscription: '${sub.id}'`, { code: 'resource_missing' }, 404);
    const now = this.core.now();
    sub.status = 'canceled';
    sub.canceled_at = now;
    sub.ended_at = now;
    sub.cancellation_details = { comment: null, feedback: null, feedback_option: null, reason };
    this.control(sub.id).cancelTimer?.();
    this.core.events.publish('customer.subscription.deleted', owner, sub);
    return sub;
  }

  register(api: ApiRouter): void {
    const { core } = this;
    const { state } = core;
    registerInvoices(api, core, (owner, invoice) => this.onInvoicePaid(owner, invoice));
    api.post(
      '/subscriptions',
      (req) => {
        const p = req.params;
        const customer = state.customers.get(p.reqStr('customer'), req.owner, 'customer');
        const items = p.objList('items').map((i) => {
          const priceId = i.str('price');
          const price = priceId
            ? state.prices.get(priceId, req.owner, 'items[][price]')
            : priceFromData(core, req.owner, i.reqObj('price_data'));
          return { price, quantity: i.int('quantity') ?? 1 };
        });
        const dpm = p.str('default_payment_method') ?? null;
        if (dpm) {
          const pm = state.paymentMethods.find(dpm, req.owner);
          if (!pm || pm.customer !== customer.id) {
            throw invalidRequest(
              `The customer does not have a payment method with the ID ${dpm}. The payment method must be attached to the customer.`,
              { param: 'default_payment_method' },
            );
          }
        }
        const td = p.obj('transfer_data');
        return this.create(req.owner, {
          customer: customer.id,
          items,
          defaultPaymentMethod: dpm,
          metadata: p.metadata() ?? {},
          applicationFeePercent: p.decimal('application_fee_percent') ?? null,
          transferDestination: td ? td.reqStr('destination') : null,
        }).subscription;
      },
      {
        allow: [
          'customer',
          'items',
          'default_payment_method',
          'metadata',
          'application_fee_percent',
          'transfer_data',
          'payment_behavior',
          'collection_method',
          'description',
          'off_session',
        ],
      },
    );
    api.get('/subscriptions/:id', (req) => state.subscriptions.get(req.path.id, req.owner));
    api.get('/subscriptions', (req) => {
      const p = req.params;
      const customer = p.str('customer');
      const status = p.str('status');
      const price = p.str('price');
      const items = state.subscriptions
        .all(req.owner)
        .filter(
          (s) =>
            (!customer || s.customer === customer) &&
            (status === 'all' || (status ? s.status === status : s.status !== 'canceled')) &&
            (!price || s.items.data.some((i) => i.price.id === price)),
        );
      return paginate(items, p, '/v1/subscriptions');
    });
    api.post(
      '/subscriptions/:id',
      (req) => {
        const sub = state.subscriptions.get(req.path.id, req.owner);
        if (sub.status === 'canceled')
          throw invalidRequest('A canceled subscription can only update its cancellation_details and metadata.');
        const p = req.params;
        if (sub.schedule && p.has('cancel_at_period_end'))
          throw invalidRequest(
            `The subscription is managed by the subscription schedule \`${String(sub.schedule)}\`, and updating any cancelation behavior directly is not allowed. Please update the schedule instead.`,
          );
        if (p.has('items')) {
          const items = p.objList('items').map((i, n) => {
            const itemId = i.str('id');
            const held = itemId ? sub.items.data.find((x) => x.id === itemId) : sub.items.data[n];
            if (itemId && !held) throw invalidRequest(`No such subscription item: '${itemId}'`, { param: 'items' });
            const priceId = i.str('price');
            const price = priceId ? state.prices.get(priceId, req.owner, 'items[][price]') : held!.price;
            if (!price.recurring) throw invalidRequest(`The price specified (${price.id}) is not a recurring price.`, { param: 'items' });
            return { price, quantity: i.int('quantity') ?? held?.quantity ?? 1 };
          });
          const behavior = p.oneOf('proration_behavior', ['create_prorations', 'always_invoice', 'none'] as const) ?? 'create_prorations';
          this.changeItems(req.owner, sub, items, behavior, p.int('proration_date') ?? core.now());
        }
        this.setStatus(req.owner, sub, () => {
          if (p.has('metadata')) sub.metadata = p.isEmptied('metadata') ? {} : mergeMetadata(sub.metadata, p.metadata());
          if (p.has('cancel_at_period_end')) {
            sub.cancel_at_period_end = p.bool('cancel_at_period_end') ?? false;
            sub.cancel_at = sub.cancel_at_period_end ? sub.items.data[0].current_period_end : null;
          }
          if (p.has('default_payment_method')) sub.default_payment_method = p.nullableStr('default_payment_method') ?? null;
          if (p.has('description')) sub.description = p.nullableStr('description') ?? null;
        });
        return sub;
      },
      {
        allow: [
          'metadata',
          'cancel_at_period_end',
          'default_payment_method',
          'description',
          'payment_behavior',
          'proration_behavior',
          'proration_date',
          'items',
        ],
      },
    );
    api.del(
      '/subscriptions/:id',
      (req) => this.cancel(req.owner, state.subscriptions.get(req.path.id, req.owner), 'cancellation_requested'),
      {
        allow: ['invoice_now', 'prorate', 'cancellation_details'],
      },
    );
  }
}
