import type Stripe from 'stripe';
import type { Core } from '../core';
import { invalidParam, invalidRequest, missingParam } from '../http/errors';
import { mergeMetadata, type Params } from '../http/form';
import { listOf, paginate } from '../http/list';
import type { ApiRouter } from '../http/router';
import { newId } from '../ids';
import { assertTransferDestination } from '../money/transfers';
import { confirmPaymentIntent, createPaymentIntent, settleProcessingPayment } from '../payments/engine';
import type { SessionExtras } from '../state';
import { priceFromData } from './catalog';
import { createCustomer } from './customers';
import { attachPaymentMethod, resolvePaymentMethod } from './payment-methods';
import { confirmSetupIntent, createSetupIntent } from './setup-intents';
import type { Subscriptions } from './subscriptions';

export type CheckoutOutcome = 'success' | 'decline' | 'async_success' | 'async_failure';

export interface CompleteCheckoutInput {
  outcome: CheckoutOutcome;
  /** Payment method to pay with; defaults per outcome (pm_card_visa, pm_card_chargeDeclined, pm_usBankAccount). */
  paymentMethod?: string;
  email?: string;
  name?: string;
  /** For async outcomes: emulated seconds until the bank settles (default 0: settle right away, after `completed`). */
  settleAfterSeconds?: number;
}

export interface CompleteCheckoutResult {
  session: Stripe.Checkout.Session;
  error?: { code: string; decline_code?: string; message: string };
}

const DEFAULT_EXPIRY = 24 * 3600;

function lineItemFrom(core: Core, owner: string, p: Params): Stripe.LineItem {
  const quantity = p.int('quantity') ?? 1;
  if (quantity < 1) throw invalidParam(`line_items[][quantity]`, 'Quantity must be at least 1');
  const priceId = p.str('price');
  let price: Stripe.Price;
  if (priceId) price = core.state.prices.get(priceId, owner, 'line_items[][price]');
  else if (p.has('price_data')) price = priceFromData(core, owner, p.reqObj('price_data'));
  else throw missingParam('line_items[][price]');
  const product = core.state.products.find(price.product as string, owner);
  const amount = (price.unit_amount ?? 0) * quantity;
  return {
    id: newId('li'),
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: price.currency,
    description: product?.name ?? null,
    metadata: {},
    price,
    quantity,
  };
}

function buildSession(
  core: Core,
  owner: string,
  p: Params,
  lineItems: Stripe.LineItem[],
  mode: 'payment' | 'subscription' | 'setup',
): Stripe.Checkout.Session {
  const id = newId('cs');
  const now = core.now();
  const total = mode === 'setup' ? null : lineItems.reduce((sum, li) => sum + li.amount_total, 0);
  const currency = lineItems[0]?.currency ?? p.str('currency')?.toLowerCase() ?? null;
  const expiresAt = p.int('expires_at') ?? now + DEFAULT_EXPIRY;
  if (expiresAt < now + 1800 || expiresAt > now + DEFAULT_EXPIRY) {
    throw invalidParam('expires_at', 'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.');
  }
  const customer = p.str('customer') ?? null;
  if (customer) core.state.customers.get(customer, owner, 'customer');
  return {
    id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: p.strList('allowed_payment_method_types') ?? null,
    amount_subtotal: total,
    amount_total: total,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: p.str('cancel_url') ?? null,
    client_reference_id: p.str('client_reference_id') ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer,
    customer_account: null,
    customer_creation: mode === 'payment' && !customer ? ((p.str('customer_creation') as 'always' | 'if_required') ?? 'if_required') : null,
    customer_details: null,
    customer_email: p.str('customer_email') ?? null,
    discounts: [],
    expires_at: expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation:
      mode === 'payment'
        ? {
            enabled: false,
            invoice_data: {
              account_tax_ids: null,
              custom_fields: null,
              description: null,
              footer: null,
              issuer: null,
              metadata: {},
              rendering_options: null,
            },
          }
        : null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: p.metadata() ?? {},
    mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: mode === 'subscription' ? 'always' : null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: p.strList('allowed_payment_method_types') ?? ['card'],
    payment_status: mode === 'setup' ? 'no_payment_required' : 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: p.str('success_url') ?? null,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted_page',
    url: `${core.baseUrl}/_emulator/checkout/${id}`,
    wallet_options: null,
  };
}

function extrasFrom(core: Core, p: Params, lineItems: Stripe.LineItem[]): SessionExtras {
  const pid = p.obj('payment_intent_data');
  const td = pid?.obj('transfer_data');
  if (td) assertTransferDestination(core, td.reqStr('destination'), 'payment_intent_data[transfer_data][destination]');
  const sd = p.obj('subscription_data');
  const sdTd = sd?.obj('transfer_data');
  if (sdTd) assertTransferDestination(core, sdTd.reqStr('destination'), 'subscription_data[transfer_data][destination]');
  if (pid?.oneOf('capture_method', ['automatic', 'manual', 'automatic_async'] as const) === 'manual')
    throw invalidParam('payment_intent_data[capture_method]', 'The emulator supports only automatic capture.');
  return {
    paymentIntentData: {
      applicationFeeAmount: pid?.int('application_fee_amount') ?? null,
      transferData: td ? { destination: td.reqStr('destination'), ...(td.has('amount') ? { amount: td.reqInt('amount') } : {}) } : null,
      transferGroup: pid?.str('transfer_group') ?? null,
      onBehalfOf: pid?.str('on_behalf_of') ?? null,
      metadata: pid?.metadata() ?? {},
      description: pid?.str('description') ?? null,
    },
    subscriptionData: {
      metadata: sd?.metadata() ?? {},
      applicationFeePercent: sd?.decimal('application_fee_percent') ?? null,
      transferDestination: sdTd?.str('destination') ?? null,
    },
    lineItems,
    setupIntentData: {
      metadata: p.obj('setup_intent_data')?.metadata() ?? {},
      description: p.obj('setup_intent_data')?.str('description') ?? null,
    },
  };
}

/**
 * Checkout Sessions. The session itself moves no money; the customer's action (the
 * `/_emulator/checkout/.../complete` control, or the hosted page) creates the
 * PaymentIntent (payment mode) or the Subscription (subscription mode) with the
 * parameters captured at creation.
 */
export class CheckoutSessions {
  constructor(
    private readonly core: Core,
    private readonly subscriptions: Subscriptions,
  ) {}

  private emitSession(
    type:
      | 'checkout.session.completed'
      | 'checkout.session.async_payment_succeeded'
      | 'checkout.session.async_payment_failed'
      | 'checkout.session.expired',
    owner: string,
    s: Stripe.Checkout.Session,
  ): void {
    this.core.events.publish(type, owner, s);
  }

  expire(owner: string, session: Stripe.Checkout.Session): Stripe.Checkout.Session {
    if (session.status !== 'open')
      throw invalidRequest(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
      );
    session.status = 'expired';
    session.url = null;
    if (session.payment_intent) {
      const pi = this.core.state.paymentIntents.find(session.payment_intent as string, owner);
      if (pi && pi.status !== 'succeeded' && pi.status !== 'canceled') {
        pi.status = 'canceled';
        pi.canceled_at = this.core.now();
        pi.cancellation_reason = 'abandoned';
        this.core.events.publish('payment_intent.canceled', owner, pi);
      }
    }
    this.emitSession('checkout.session.expired', owner, session);
    return session;
  }

  complete(owner: string, sessionId: string, input: CompleteCheckoutInput): CompleteCheckoutResult {
    const { core } = this;
    const session = core.state.checkoutSessions.get(sessionId, owner);
    if (session.status !== 'open') throw invalidRequest(`Checkout Session ${session.id} is ${session.status}, not open.`);
    const extras = core.state.sessionExtras.get(session.id)!;
    const asyncOutcome = input.outcome === 'async_success' || input.outcome === 'async_failure';
    const pmRef =
      input.paymentMethod ?? (input.outcome === 'decline' ? 'pm_card_chargeDeclined' : asyncOutcome ? 'pm_usBankAccount' : 'pm_card_visa');
    const email = input.email ?? session.customer_email ?? 'customer@example.com';
    const details: Stripe.Checkout.Session.CustomerDetails = {
      address: { city: null, country: 'US', line1: null, line2: null, postal_code: '94103', state: null },
      business_name: null,
      email,
      individual_name: null,
      name: input.name ?? null,
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
    };

    if (session.mode === 'setup') return this.completeSetup(owner, session, extras, pmRef, details, input.outcome);

    if (session.mode === 'subscription') {
      if (asyncOutcome) throw invalidRequest('Async outcomes are supported for payment mode sessions only.');
      const pm = resolvePaymentMethod(core, owner, pmRef);
      if (input.outcome === 'decline' || core.state.paymentMethodCards.get(pm.id)?.decline) {
        return { session, error: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' } };
      }
      const customer = session.customer
        ? core.state.customers.get(session.customer as string, owner)
        : createCustomer(core, owner, { email, name: input.name ?? null });
      attachPaymentMethod(core, owner, pm, customer.id);
      const { subscription, invoice } = this.subscriptions.create(owner, {
        customer: customer.id,
        items: extras.lineItems.map((li) => ({ price: li.price!, quantity: li.quantity ?? 1 })),
        defaultPaymentMethod: pm.id,
        metadata: extras.subscriptionData.metadata,
        applicationFeePercent: extras.subscriptionData.applicationFeePercent,
        transferDestination: extras.subscriptionData.transferDestination,
      });
      session.customer = customer.id;
      session.customer_details = details;
      session.subscription = subscription.id;
      session.invoice = invoice.id;
      session.status = 'complete';
      session.payment_status = invoice.status === 'paid' ? 'paid' : 'unpaid';
      session.url = null;
      this.emitSession('checkout.session.completed', owner, session);
      return { session };
    }

    let customerId = session.customer as string | null;
    if (!customerId && session.customer_creation === 'always')
      customerId = createCustomer(core, owner, { email, name: input.name ?? null }).id;
    let pi = session.payment_intent ? core.state.paymentIntents.get(session.payment_intent as string, owner) : null;
    if (!pi || pi.status === 'canceled') {
      pi = createPaymentIntent(core, {
        owner,
        amount: session.amount_total ?? 0,
        currency: session.currency ?? 'usd',
        customer: customerId,
        description: extras.paymentIntentData.description,
        metadata: extras.paymentIntentData.metadata,
        applicationFeeAmount: extras.paymentIntentData.applicationFeeAmount,
        transferData: extras.paymentIntentData.transferData,
        transferGroup: extras.paymentIntentData.transferGroup,
        onBehalfOf: extras.paymentIntentData.onBehalfOf,
        allowedPaymentMethodTypes: session.allowed_payment_method_types,
        receiptEmail: email,
      });
      core.state.paymentIntentOrigins.set(pi.id, { session: session.id });
      session.payment_intent = pi.id;
    }
    const result = confirmPaymentIntent(core, owner, pi, pmRef, undefined, { authenticated: true });
    if (result.status === 'declined') {
      // On Stripe the customer sees the decline and the session stays open.
      const body = result.error.body;
      return { session, error: { code: body.code ?? 'card_declined', decline_code: body.decline_code, message: body.message } };
    }
    session.customer = customerId;
    session.customer_details = details;
    session.status = 'complete';
    session.url = null;
    session.payment_status = result.status === 'succeeded' ? 'paid' : 'unpaid';
    this.emitSession('checkout.session.completed', owner, session);
    if (result.status === 'processing') {
      const settle = () => this.settleAsync(owner, session.id, input.outcome === 'async_success');
      if (input.settleAfterSeconds && input.settleAfterSeconds > 0) {
        core.clock.schedule(core.clock.nowMs() + input.settleAfterSeconds * 1000, `checkout ${session.id} async settlement`, settle);
      } else {
        settle();
      }
    }
    return { session };
  }

  /**
   * Setup mode: the customer enters a card (authenticating it if the card asks for 3D
   * Secure); a SetupIntent saves it, attached to the session's customer, for off-session
   * payments later. A card that declines leaves the session open, as on Stripe.
   */
  private completeSetup(
    owner: string,
    session: Stripe.Checkout.Session,
    extras: SessionExtras,
    pmRef: string,
    details: Stripe.Checkout.Session.CustomerDetails,
    outcome: CheckoutOutcome,
  ): CompleteCheckoutResult {
    if (outcome === 'async_success' || outcome === 'async_failure')
      throw invalidRequest('Async outcomes are supported for payment mode sessions only.');
    const si = createSetupIntent(this.core, owner, {
      customer: (session.customer as string | null) ?? null,
      description: extras.setupIntentData.description,
      metadata: extras.setupIntentData.metadata,
      usage: 'off_session',
      paymentMethodTypes: session.payment_method_types,
    });
    const result = confirmSetupIntent(this.core, owner, si, pmRef, { authenticated: true });
    if (result.status === 'declined') {
      const body = result.error.body;
      return { session, error: { code: body.code ?? 'card_declined', decline_code: body.decline_code, message: body.message } };
    }
    session.setup_intent = si.id;
    session.customer_details = details;
    session.status = 'complete';
    session.url = null;
    this.emitSession('checkout.session.completed', owner, session);
    return { session };
  }

  /** The delayed payment method settles: `async_payment_succeeded` or `async_payment_failed`. */
  settleAsync(owner: string, sessionId: string, success: boolean): Stripe.Checkout.Session {
    const session = this.core.state.checkoutSessions.get(sessionId, owner);
    const pi = this.core.state.paymentIntents.get(session.payment_intent as string, owner);
    settleProcessingPayment(this.core, owner, pi, success);
    if (success) {
      session.payment_status = 'paid';
      this.emitSession('checkout.session.async_payment_succeeded', owner, session);
    } else {
      this.emitSession('checkout.session.async_payment_failed', owner, session);
    }
    return session;
  }

  register(api: ApiRouter): void {
    const { core } = this;
    const { state } = core;
    api.expander.include('checkout.session', 'line_items', (obj) => {
      const extras = state.sessionExtras.get(String(obj.id));
      return listOf(extras?.lineItems ?? [], `/v1/checkout/sessions/${String(obj.id)}/line_items`);
    });
    api.post(
      '/checkout/sessions',
      (req) => {
        const p = req.params;
        const mode = p.oneOf('mode', ['payment', 'subscription', 'setup'] as const);
        if (!mode) throw missingParam('mode');
        if (!p.str('success_url') && !['embedded_page', 'elements'].includes(p.str('ui_mode') ?? '')) throw missingParam('success_url');
        const lineItems = p.objList('line_items').map((li) => lineItemFrom(core, req.owner, li));
        if (mode === 'setup') {
          if (lineItems.length > 0) throw invalidParam('line_items', 'You cannot pass `line_items` in `setup` mode.');
          for (const k of ['payment_intent_data', 'subscription_data'])
            if (p.has(k)) throw invalidParam(k, `You can not pass \`${k}\` in \`setup\` mode.`);
        } else if (lineItems.length === 0) throw missingParam('line_items');
        if (mode !== 'setup' && p.has('setup_intent_data'))
          throw invalidParam('setup_intent_data', 'You can only pass `setup_intent_data` in `setup` mode.');
        const currencies = new Set(lineItems.map((li) => li.currency));
        if (currencies.size > 1) throw invalidParam('line_items', 'All line items must have the same currency.');
        const recurring = lineItems.filter((li) => li.price?.recurring);
        if (mode === 'payment' && recurring.length > 0) {
          throw invalidParam('line_items', 'You must use `subscription` mode when passing recurring prices in `line_items`.');
        }
        if (mode === 'subscription' && recurring.length === 0) {
          throw invalidParam('line_items', 'You must provide at least one recurring price in `subscription` mode when using prices.');
        }
        if (mode === 'subscription' && p.has('payment_intent_data'))
          throw invalidParam('payment_intent_data', 'You can not pass `payment_intent_data` in `subscription` mode.');
        const session = buildSession(core, req.owner, p, lineItems, mode);
        const extras = extrasFrom(core, p, lineItems);
        const total = session.amount_total ?? 0;
        if (mode === 'payment' && extras.paymentIntentData.applicationFeeAmount !== null) {
          if (extras.paymentIntentData.applicationFeeAmount > total) {
            throw invalidParam('payment_intent_data[application_fee_amount]', 'The application fee cannot exceed the total amount.');
          }
          if (core.isPlatform(req.owner) && !extras.paymentIntentData.transferData) {
            throw invalidParam(
              'payment_intent_data[application_fee_amount]',
              'application_fee_amount requires transfer_data[destination] or a Stripe-Account header.',
            );
          }
        }
        state.checkoutSessions.insert(req.owner, session);
        state.sessionExtras.set(session.id, extras);
        const owner = req.owner;
        core.clock.schedule(session.expires_at * 1000, `checkout ${session.id} expiry`, () => {
          const s = state.checkoutSessions.find(session.id, owner);
          if (s && s.status === 'open') this.expire(owner, s);
        });
        return session;
      },
      {
        allow: [
          'mode',
          'line_items',
          'success_url',
          'cancel_url',
          'customer',
          'customer_email',
          'customer_creation',
          'client_reference_id',
          'metadata',
          'payment_intent_data',
          'subscription_data',
          'expires_at',
          'allowed_payment_method_types',
          'excluded_payment_method_types',
          'ui_mode',
          'locale',
          'allow_promotion_codes',
          'billing_address_collection',
          'submit_type',
          'return_url',
          'automatic_tax',
          'invoice_creation',
          'phone_number_collection',
          'customer_update',
          'payment_method_collection',
          'consent_collection',
          'custom_text',
          'currency',
          'setup_intent_data',
        ],
      },
    );
    api.get('/checkout/sessions/:id', (req) => state.checkoutSessions.get(req.path.id, req.owner));
    api.get('/checkout/sessions', (req) => {
      const p = req.params;
      const pi = p.str('payment_intent');
      const sub = p.str('subscription');
      const status = p.str('status');
      const customer = p.str('customer');
      const items = state.checkoutSessions
        .all(req.owner)
        .filter(
          (s) =>
            (!pi || s.payment_intent === pi) &&
            (!sub || s.subscription === sub) &&
            (!status || s.status === status) &&
            (!customer || s.customer === customer),
        );
      return paginate(items, p, '/v1/checkout/sessions');
    });
    api.post(
      '/checkout/sessions/:id',
      (req) => {
        const s = state.checkoutSessions.get(req.path.id, req.owner);
        if (req.params.has('metadata')) s.metadata = mergeMetadata(s.metadata, req.params.metadata());
        return s;
      },
      { allow: ['metadata'] },
    );
    api.post('/checkout/sessions/:id/expire', (req) => this.expire(req.owner, state.checkoutSessions.get(req.path.id, req.owner)), {
      allow: [],
    });
    api.get('/checkout/sessions/:id/line_items', (req) => {
      const s = state.checkoutSessions.get(req.path.id, req.owner);
      return paginate(state.sessionExtras.get(s.id)?.lineItems ?? [], req.params, `/v1/checkout/sessions/${s.id}/line_items`);
    });
  }
}
