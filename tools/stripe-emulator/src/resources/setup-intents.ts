import type Stripe from 'stripe';
import type { Core } from '../core';
import { invalidRequest, StripeApiError } from '../http/errors';
import { mergeMetadata } from '../http/form';
import { paginate } from '../http/list';
import type { ApiRouter } from '../http/router';
import { newId, randomBase62 } from '../ids';
import { attachPaymentMethod, cardOf, resolvePaymentMethod } from './payment-methods';

export interface SetupIntentInput {
  customer?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  usage?: 'off_session' | 'on_session';
  paymentMethodTypes?: string[] | null;
}

export type SetupResult = { status: 'succeeded' | 'requires_action' } | { status: 'declined'; error: StripeApiError };

export function createSetupIntent(core: Core, owner: string, input: SetupIntentInput): Stripe.SetupIntent {
  const id = newId('seti');
  const si: Stripe.SetupIntent = {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: null,
    application: null,
    automatic_payment_methods: input.paymentMethodTypes ? null : { enabled: true },
    cancellation_reason: null,
    client_secret: `${id}_secret_${randomBase62(32)}`,
    created: core.now(),
    customer: input.customer ?? null,
    description: input.description ?? null,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: input.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: input.paymentMethodTypes ?? ['card'],
    single_use_mandate: null,
    status: 'requires_payment_method',
    usage: input.usage ?? 'off_session',
  };
  core.state.setupIntents.insert(owner, si);
  core.events.publish('setup_intent.created', owner, si);
  return si;
}

/**
 * Confirms a SetupIntent: the card is checked (a card that declines every charge declines
 * the setup too, as Stripe's `pm_card_chargeDeclined` does) and, with a customer, attached
 * to it for later off-session use. A card that needs 3D Secure goes to `requires_action`
 * unless the customer authenticated in the flow (hosted Checkout).
 */
export function confirmSetupIntent(
  core: Core,
  owner: string,
  si: Stripe.SetupIntent,
  pmRef: string,
  options: { authenticated?: boolean } = {},
): SetupResult {
  if (si.status !== 'requires_payment_method' && si.status !== 'requires_confirmation') {
    throw invalidRequest(
      `This SetupIntent's status is ${si.status}, but it must be requires_payment_method or requires_confirmation to be confirmed.`,
      { code: 'setup_intent_unexpected_state' },
    );
  }
  const pm = resolvePaymentMethod(core, owner, pmRef);
  const card = cardOf(core, pm.id);
  si.payment_method = pm.id;
  si.payment_method_types = [card.type];
  // `chargeCustomerFail` attaches fine and fails only when charged.
  if (card.decline && card.key !== 'chargeCustomerFail') {
    si.status = 'requires_payment_method';
    si.last_setup_error = {
      code: card.decline.code as Stripe.SetupIntent.LastSetupError.Code,
      decline_code: card.decline.declineCode,
      doc_url: `https://stripe.com/docs/error-codes/${card.decline.code.replace(/_/g, '-')}`,
      message: card.decline.message,
      payment_method: JSON.parse(JSON.stringify(pm)) as Stripe.PaymentMethod,
      type: 'card_error',
    };
    core.events.publish('setup_intent.setup_failed', owner, si);
    const error = new StripeApiError(
      402,
      {
        type: 'card_error',
        code: card.decline.code,
        decline_code: card.decline.declineCode,
        message: card.decline.message,
        setup_intent: JSON.parse(JSON.stringify(si)),
        payment_method: JSON.parse(JSON.stringify(pm)),
      },
      true,
    );
    return { status: 'declined', error };
  }
  if (card.requiresAuthentication && !options.authenticated) {
    si.status = 'requires_action';
    si.next_action = { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: '' } };
    core.events.publish('setup_intent.requires_action', owner, si);
    return { status: 'requires_action' };
  }
  if (si.customer) attachPaymentMethod(core, owner, pm, si.customer as string);
  si.status = 'succeeded';
  si.next_action = null;
  si.last_setup_error = null;
  core.events.publish('setup_intent.succeeded', owner, si);
  return { status: 'succeeded' };
}

export function registerSetupIntents(api: ApiRouter, core: Core): void {
  const { state } = core;
  api.post(
    '/setup_intents',
    (req) => {
      const p = req.params;
      const customer = p.str('customer');
      if (customer) state.customers.get(customer, req.owner, 'customer');
      const pmRef = p.str('payment_method');
      const pm = pmRef ? resolvePaymentMethod(core, req.owner, pmRef).id : undefined;
      if (p.bool('confirm') && !pm)
        throw invalidRequest('You must provide a payment_method when confirm=true.', { param: 'payment_method' });
      const si = createSetupIntent(core, req.owner, {
        customer: customer ?? null,
        description: p.str('description'),
        metadata: p.metadata(),
        usage: p.oneOf('usage', ['off_session', 'on_session'] as const),
        paymentMethodTypes: p.strList('payment_method_types'),
      });
      if (pm) {
        si.payment_method = pm;
        si.status = 'requires_confirmation';
      }
      if (p.bool('confirm') && pm) {
        const result = confirmSetupIntent(core, req.owner, si, pm);
        if (result.status === 'declined') throw result.error;
      }
      return si;
    },
    {
      allow: [
        'customer',
        'description',
        'metadata',
        'usage',
        'payment_method',
        'payment_method_types',
        'confirm',
        'return_url',
        'automatic_payment_methods',
        'on_behalf_of',
        'mandate_data',
      ],
    },
  );
  api.get('/setup_intents/:id', (req) => state.setupIntents.get(req.path.id, req.owner));
  api.get('/setup_intents', (req) => {
    const customer = req.params.str('customer');
    return paginate(
      state.setupIntents.all(req.owner).filter((si) => !customer || si.customer === customer),
      req.params,
      '/v1/setup_intents',
    );
  });
  api.post(
    '/setup_intents/:id',
    (req) => {
      const si = state.setupIntents.get(req.path.id, req.owner);
      const p = req.params;
      if (p.has('metadata')) si.metadata = p.isEmptied('metadata') ? {} : mergeMetadata(si.metadata ?? {}, p.metadata());
      if (p.has('description')) si.description = p.nullableStr('description') ?? null;
      return si;
    },
    { allow: ['metadata', 'description'] },
  );
  api.post(
    '/setup_intents/:id/confirm',
    (req) => {
      const si = state.setupIntents.get(req.path.id, req.owner);
      const pm = req.params.str('payment_method') ?? (typeof si.payment_method === 'string' ? si.payment_method : undefined);
      if (!pm)
        throw invalidRequest("You cannot confirm this SetupIntent because it's missing a payment method.", {
          code: 'setup_intent_unexpected_state',
        });
      const result = confirmSetupIntent(core, req.owner, si, pm);
      if (result.status === 'declined') throw result.error;
      return si;
    },
    { allow: ['payment_method', 'return_url', 'mandate_data'] },
  );
  api.post(
    '/setup_intents/:id/cancel',
    (req) => {
      const si = state.setupIntents.get(req.path.id, req.owner);
      if (si.status === 'succeeded' || si.status === 'canceled') {
        throw invalidRequest(`You cannot cancel this SetupIntent because it has a status of ${si.status}.`, {
          code: 'setup_intent_unexpected_state',
        });
      }
      si.status = 'canceled';
      si.cancellation_reason = (req.params.str('cancellation_reason') as Stripe.SetupIntent.CancellationReason) ?? null;
      core.events.publish('setup_intent.canceled', req.owner, si);
      return si;
    },
    { allow: ['cancellation_reason'] },
  );
}
