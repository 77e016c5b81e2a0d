import type Stripe from 'stripe';
import type { Core } from '../core';
import { invalidParam, invalidRequest, noSuch } from '../http/errors';
import { paginate } from '../http/list';
import type { ApiRouter } from '../http/router';
import { newId, randomBase62 } from '../ids';
import { testCardFor, type TestCard } from '../payments/test-cards';

function buildPaymentMethod(core: Core, card: TestCard): Stripe.PaymentMethod {
  const pm: Stripe.PaymentMethod = {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: null,
      name: null,
      phone: null,
      tax_id: null,
    },
    created: core.now(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: card.type,
  };
  if (card.type === 'card') {
    pm.card = {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: card.country,
      display_brand: card.brand,
      exp_month: 12,
      exp_year: new Date(core.now() * 1000).getUTCFullYear() + 3,
      fingerprint: randomBase62(16),
      funding: card.funding,
      generated_from: null,
      last4: card.last4,
      networks: { available: [card.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    };
  } else {
    pm.us_bank_account = {
      account_holder_type: 'individual',
      account_type: 'checking',
      bank_name: card.brand,
      financial_connections_account: null,
      fingerprint: randomBase62(16),
      last4: card.last4,
      networks: { preferred: 'ach', supported: ['ach'] },
      routing_number: '110000000',
      status_details: null,
    };
  }
  return pm;
}

/**
 * Turns a payment method reference into a stored PaymentMethod. Stripe's magic test
 * ids (`pm_card_visa`, `tok_visa`...) create a fresh `pm_...` each time, as on Stripe.
 */
export function resolvePaymentMethod(core: Core, owner: string, ref: string, param = 'payment_method'): Stripe.PaymentMethod {
  const existing = core.state.paymentMethods.find(ref, owner);
  if (existing) return existing;
  const card = testCardFor(ref);
  if (!card) throw noSuch('PaymentMethod', ref, param);
  const pm = buildPaymentMethod(core, card);
  core.state.paymentMethods.insert(owner, pm);
  core.state.paymentMethodCards.set(pm.id, card);
  return pm;
}

/** Checks a reference without creating anything (magic test ids resolve later). */
export function assertPaymentMethodExists(core: Core, owner: string, ref: string, param = 'payment_method'): void {
  if (!core.state.paymentMethods.find(ref, owner) && !testCardFor(ref)) throw noSuch('PaymentMethod', ref, param);
}

export function cardOf(core: Core, paymentMethodId: string): TestCard {
  const card = core.state.paymentMethodCards.get(paymentMethodId);
  if (!card) throw invalidRequest(`PaymentMethod ${paymentMethodId} cannot be used.`);
  return card;
}

export function attachPaymentMethod(core: Core, owner: string, pm: Stripe.PaymentMethod, customerId: string): void {
  if (pm.customer && pm.customer !== customerId) {
    throw invalidRequest('The payment method you provided has already been attached to a customer.', {
      code: 'payment_method_unexpected_state',
    });
  }
  if (pm.customer === customerId) return;
  pm.customer = customerId;
  core.events.publish('payment_method.attached', owner, pm);
}

export function registerPaymentMethods(api: ApiRouter, core: Core): void {
  const { state } = core;
  api.post(
    '/payment_methods',
    (req) => {
      const p = req.params;
      const type = p.reqStr('type');
      if (type !== 'card') throw invalidParam('type', 'The emulator supports only type=card (use card[token]=tok_visa).');
      const token = p.obj('card')?.str('token');
      if (!token) throw invalidParam('card', 'The emulator accepts only test tokens: card[token]=tok_visa, tok_chargeDeclined, ...');
      const pm = resolvePaymentMethod(core, req.owner, token, 'card[token]');
      if (p.has('metadata')) pm.metadata = p.metadata() ?? {};
      return pm;
    },
    { allow: ['type', 'card', 'billing_details', 'metadata'] },
  );
  api.get('/payment_methods/:id', (req) => resolvePaymentMethod(core, req.owner, req.path.id, 'id'));
  api.get('/payment_methods', (req) => {
    const customer = req.params.str('customer');
    const items = state.paymentMethods.all(req.owner).filter((pm) => !customer || pm.customer === customer);
    return paginate(items, req.params, '/v1/payment_methods');
  });
  api.post(
    '/payment_methods/:id/attach',
    (req) => {
      const pm = resolvePaymentMethod(core, req.owner, req.path.id, 'id');
      const customer = state.customers.get(req.params.reqStr('customer'), req.owner, 'customer');
      attachPaymentMethod(core, req.owner, pm, customer.id);
      return pm;
    },
    { allow: ['customer'] },
  );
  api.post(
    '/payment_methods/:id/detach',
    (req) => {
      const pm = state.paymentMethods.get(req.path.id, req.owner);
      if (!pm.customer) throw invalidRequest('The payment method you provided is not attached to a customer so detachment is impossible.');
      pm.customer = null;
      core.events.publish('payment_method.detached', req.owner, pm);
      return pm;
    },
    { allow: [] },
  );
}
