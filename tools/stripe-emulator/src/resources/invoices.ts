import type Stripe from 'stripe';
import { decimal, type Core } from '../core';
import { invalidRequest, StripeApiError } from '../http/errors';
import { paginate } from '../http/list';
import type { ApiRouter } from '../http/router';
import { newId, randomBase62 } from '../ids';
import { percentOf } from '../money/fees';
import { confirmPaymentIntent, createPaymentIntent } from '../payments/engine';

const DAY = 24 * 3600;

export interface InvoiceLine {
  price: Stripe.Price;
  quantity: number;
  subscriptionItem: string | null;
  period: { start: number; end: number };
  /** A proration (credit for unused time, negative, or charge for remaining time): its amount and wording. */
  proration?: { amount: number; description: string };
}

const lineAmount = (l: InvoiceLine) => l.proration?.amount ?? (l.price.unit_amount ?? 0) * l.quantity;

/**
 * Builds an invoice for a subscription, finalized at once (Stripe waits about an hour).
 * `period` is the invoice's own period, as Stripe reports it: for a renewal the period that
 * just ended (usage-based items bill in arrears for it; licensed lines carry the new period
 * they pay for in advance), for creation and updates the moment of the invoice.
 */
export function createSubscriptionInvoice(
  core: Core,
  owner: string,
  sub: Stripe.Subscription,
  lines: InvoiceLine[],
  reason: Stripe.Invoice.BillingReason,
  period?: { start: number; end: number },
): Stripe.Invoice {
  const customer = core.state.customers.get(sub.customer as string, owner);
  const id = newId('in');
  const now = core.now();
  const total = lines.reduce((sum, l) => sum + lineAmount(l), 0);
  // A credit larger than the charges goes to the customer's balance: nothing is due.
  const due = Math.max(0, total);
  const invoice: Stripe.Invoice = {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'FPMS Platform (emulated)',
    account_tax_ids: null,
    amount_due: due,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: due,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: reason,
    collection_method: 'charge_automatically',
    created: now,
    currency: sub.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: now,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: `${core.baseUrl}/_emulator/invoices/${id}`,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: {
      object: 'list',
      data: lines.map((l) => ({
        id: newId('il'),
        object: 'line_item',
        amount: lineAmount(l),
        currency: l.price.currency,
        description:
          l.proration?.description ??
          `${l.quantity} × ${l.price.nickname ?? l.price.product} (at ${l.price.unit_amount} / ${l.price.recurring?.interval ?? 'one-time'})`,
        discount_amounts: [],
        discountable: true,
        discounts: [],
        invoice: id,
        livemode: false,
        metadata: {},
        parent: {
          invoice_item_details: null,
          subscription_item_details: {
            invoice_item: l.proration ? newId('ii') : null,
            proration: l.proration !== undefined,
            proration_details: { credited_items: null },
            subscription: sub.id,
            subscription_item: l.subscriptionItem ?? '',
          },
          type: 'subscription_item_details',
        },
        period: l.period,
        pretax_credit_amounts: [],
        pricing: {
          price_details: { price: l.price.id, product: l.price.product as string },
          type: 'price_details',
          unit_amount_decimal: decimal(String(l.price.unit_amount ?? 0)),
        },
        quantity: l.quantity,
        quantity_decimal: decimal(String(l.quantity)),
        subscription: sub.id,
        subtotal: lineAmount(l),
        taxes: [],
      })),
      has_more: false,
      url: `/v1/invoices/${id}/lines`,
    },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: `${customer.invoice_prefix ?? randomBase62(8).toUpperCase()}-${String(customer.next_invoice_sequence ?? 1).padStart(4, '0')}`,
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: { metadata: { ...sub.metadata }, subscription: sub.id },
      type: 'subscription_details',
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: period?.end ?? now,
    period_start: period?.start ?? now,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'open',
    status_transitions: { finalized_at: now, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: now,
  };
  customer.next_invoice_sequence = (customer.next_invoice_sequence ?? 1) + 1;
  core.state.invoices.insert(owner, invoice);
  const draft = {
    ...invoice,
    status: 'draft' as const,
    number: null,
    status_transitions: { ...invoice.status_transitions, finalized_at: null },
  };
  core.events.publish('invoice.created', owner, draft);
  core.events.publish('invoice.finalized', owner, invoice);
  return invoice;
}

export type InvoicePaymentOutcome = 'paid' | 'failed';

/**
 * One collection attempt: a PaymentIntent for the amount due, confirmed with the
 * customer's payment method (a destination charge when the subscription has
 * `transfer_data`). Returns whether the invoice got paid.
 */
export function attemptInvoicePayment(
  core: Core,
  owner: string,
  invoice: Stripe.Invoice,
  pmRef: string | null,
  forceFail: boolean,
): InvoicePaymentOutcome {
  if (invoice.status !== 'open')
    throw invalidRequest(`Invoice ${invoice.id} is ${invoice.status}; only open invoices can be paid.`, { code: 'invoice_not_open' });
  const subId = invoice.parent?.subscription_details?.subscription as string | undefined;
  const sub = subId ? core.state.subscriptions.find(subId, owner) : undefined;
  if (invoice.amount_due === 0) {
    // Nothing to collect (a credit covered it): Stripe marks it paid without a payment.
    invoice.status = 'paid';
    invoice.attempted = true;
    invoice.status_transitions.paid_at = core.now();
    core.events.publish('invoice.paid', owner, invoice);
    core.events.publish('invoice.payment_succeeded', owner, invoice);
    return 'paid';
  }
  invoice.attempt_count += 1;
  invoice.attempted = true;
  const before = { attempt_count: invoice.attempt_count - 1, attempted: invoice.attempt_count > 1 };
  if (!pmRef) {
    invoice.next_payment_attempt = null;
    core.events.publish('invoice.payment_failed', owner, invoice, before);
    return 'failed';
  }
  const destination = sub?.transfer_data ? (sub.transfer_data.destination as string) : null;
  const pi = createPaymentIntent(core, {
    owner,
    amount: invoice.amount_due,
    currency: invoice.currency,
    customer: invoice.customer as string,
    description: `Subscription ${invoice.billing_reason === 'subscription_create' ? 'creation' : 'update'}`,
    transferData: destination ? { destination } : null,
    applicationFeeAmount: destination && sub?.application_fee_percent ? percentOf(invoice.amount_due, sub.application_fee_percent) : null,
  });
  core.state.paymentIntentOrigins.set(pi.id, { invoice: invoice.id });
  const decline = forceFail ? { code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' } : undefined;
  const result = confirmPaymentIntent(core, owner, pi, pmRef, decline, { offSession: true });
  const payment: Stripe.InvoicePayment = {
    id: newId('inpay'),
    object: 'invoice_payment',
    amount_paid: result.status === 'succeeded' ? invoice.amount_due : null,
    amount_requested: invoice.amount_due,
    created: core.now(),
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: true,
    livemode: false,
    payment: { payment_intent: pi.id, type: 'payment_intent' },
    status: result.status === 'succeeded' ? 'paid' : 'open',
    status_transitions: { canceled_at: null, paid_at: result.status === 'succeeded' ? core.now() : null },
  };
  for (const old of core.state.invoicePayments.all(owner).filter((x) => x.invoice === invoice.id && x.is_default)) old.is_default = false;
  core.state.invoicePayments.insert(owner, payment);
  if (result.status === 'succeeded') {
    invoice.status = 'paid';
    invoice.amount_paid = invoice.amount_due;
    invoice.amount_remaining = 0;
    invoice.next_payment_attempt = null;
    invoice.status_transitions.paid_at = core.now();
    invoice.default_payment_method = typeof pi.payment_method === 'string' ? pi.payment_method : null;
    core.events.publish('invoice.paid', owner, invoice);
    core.events.publish('invoice.payment_succeeded', owner, invoice);
    core.events.publish('invoice_payment.paid', owner, payment);
    return 'paid';
  }
  core.events.publish('invoice.payment_failed', owner, invoice, before);
  return 'failed';
}

export function registerInvoices(api: ApiRouter, core: Core, onPaid: (owner: string, invoice: Stripe.Invoice) => void): void {
  const { state } = core;
  api.expander.include('invoice', 'payments', (obj) => {
    const payments = state.invoicePayments.all().filter((p) => p.invoice === obj.id);
    return { object: 'list', data: payments, has_more: false, url: `/v1/invoice_payments?invoice=${String(obj.id)}` };
  });
  api.get('/invoices/:id', (req) => state.invoices.get(req.path.id, req.owner));
  api.get('/invoices', (req) => {
    const p = req.params;
    const customer = p.str('customer');
    const subscription = p.str('subscription');
    const status = p.str('status');
    const items = state.invoices
      .all(req.owner)
      .filter(
        (i) =>
          (!customer || i.customer === customer) &&
          (!subscription || i.parent?.subscription_details?.subscription === subscription) &&
          (!status || i.status === status),
      );
    return paginate(items, p, '/v1/invoices');
  });
  api.get('/invoices/:id/lines', (req) => {
    const inv = state.invoices.get(req.path.id, req.owner);
    return paginate(inv.lines.data, req.params, `/v1/invoices/${inv.id}/lines`);
  });
  api.post(
    '/invoices/:id/pay',
    (req) => {
      const inv = state.invoices.get(req.path.id, req.owner);
      const subId = inv.parent?.subscription_details?.subscription as string | undefined;
      const sub = subId ? state.subscriptions.find(subId, req.owner) : undefined;
      const customer = state.customers.get(inv.customer as string, req.owner);
      const pm =
        req.params.str('payment_method') ??
        (sub?.default_payment_method as string | null) ??
        (customer.invoice_settings.default_payment_method as string | null);
      const outcome = attemptInvoicePayment(core, req.owner, inv, pm ?? null, false);
      if (outcome === 'paid') {
        onPaid(req.owner, inv);
      } else {
        const charge = core.state.charges
          .all(req.owner)
          .find(
            (c) =>
              c.payment_intent &&
              c.status === 'failed' &&
              core.state.paymentIntentOrigins.get(c.payment_intent as string)?.invoice === inv.id,
          );
        throw new StripeApiError(
          402,
          {
            type: 'card_error',
            code: charge?.failure_code ?? 'card_declined',
            message: charge?.failure_message ?? 'Your card was declined.',
            charge: charge?.id,
          },
          true,
        );
      }
      return inv;
    },
    { allow: ['payment_method', 'off_session', 'source', 'paid_out_of_band', 'forgive', 'mandate'] },
  );
  api.get('/invoice_payments', (req) => {
    const invoice = req.params.str('invoice');
    return paginate(
      state.invoicePayments.all(req.owner).filter((x) => !invoice || x.invoice === invoice),
      req.params,
      '/v1/invoice_payments',
    );
  });
  api.get('/invoice_payments/:id', (req) => state.invoicePayments.get(req.path.id, req.owner));
}

export { DAY };
