import type { Core } from '../core';
import { invalidRequest } from '../http/errors';
import { mergeMetadata, type Params } from '../http/form';
import { paginate } from '../http/list';
import type { ApiRouter } from '../http/router';
import { confirmPaymentIntent, createPaymentIntent } from '../payments/engine';
import { resolvePaymentMethod } from './payment-methods';

function transferDataOf(p: Params): { destination: string; amount?: number } | null {
  const td = p.obj('transfer_data');
  if (!td) return null;
  return { destination: td.reqStr('destination'), ...(td.has('amount') ? { amount: td.reqInt('amount') } : {}) };
}

/** `off_session` is `true`/`false` or `one_off`/`recurring` (both mean off-session). */
function offSessionOf(p: Params): boolean {
  const raw = p.str('off_session');
  return raw === 'true' || raw === 'one_off' || raw === 'recurring';
}

export function registerPaymentIntents(api: ApiRouter, core: Core): void {
  const { state } = core;
  api.post(
    '/payment_intents',
    (req) => {
      const p = req.params;
      if (p.str('capture_method') === 'manual')
        throw invalidRequest('The emulator supports only capture_method=automatic.', { param: 'capture_method' });
      const customer = p.str('customer');
      if (customer) state.customers.get(customer, req.owner, 'customer');
      // Resolve the payment method before creating anything, so an unknown one leaves no PaymentIntent behind.
      const pmRef = p.str('payment_method');
      const pm = pmRef ? resolvePaymentMethod(core, req.owner, pmRef).id : undefined;
      if (p.bool('confirm') && !pm)
        throw invalidRequest('You must provide a payment_method when confirm=true.', { param: 'payment_method' });
      const pi = createPaymentIntent(core, {
        owner: req.owner,
        amount: p.reqInt('amount'),
        currency: p.reqStr('currency'),
        customer: customer ?? null,
        description: p.str('description'),
        metadata: p.metadata(),
        applicationFeeAmount: p.int('application_fee_amount'),
        transferData: transferDataOf(p),
        transferGroup: p.str('transfer_group'),
        onBehalfOf: p.str('on_behalf_of'),
        allowedPaymentMethodTypes: p.strList('allowed_payment_method_types'),
        receiptEmail: p.str('receipt_email'),
        statementDescriptor: p.str('statement_descriptor'),
      });
      if (pm) {
        pi.payment_method = pm;
        pi.status = 'requires_confirmation';
      }
      if (p.has('off_session') && !p.bool('confirm'))
        throw invalidRequest('You may only specify `off_session` when `confirm=true`.', { param: 'off_session' });
      if (p.bool('confirm') && pm) {
        const result = confirmPaymentIntent(core, req.owner, pi, pm, undefined, { offSession: offSessionOf(p) });
        if (result.status === 'declined') throw result.error;
      }
      return pi;
    },
    {
      allow: [
        'amount',
        'currency',
        'customer',
        'description',
        'metadata',
        'application_fee_amount',
        'transfer_data',
        'transfer_group',
        'on_behalf_of',
        'allowed_payment_method_types',
        'excluded_payment_method_types',
        'receipt_email',
        'statement_descriptor',
        'payment_method',
        'confirm',
        'capture_method',
        'automatic_payment_methods',
        'return_url',
        'off_session',
        'setup_future_usage',
        'statement_descriptor_suffix',
      ],
    },
  );
  api.get('/payment_intents/:id', (req) => state.paymentIntents.get(req.path.id, req.owner));
  api.get('/payment_intents', (req) => {
    const customer = req.params.str('customer');
    return paginate(
      state.paymentIntents.all(req.owner).filter((pi) => !customer || pi.customer === customer),
      req.params,
      '/v1/payment_intents',
    );
  });
  api.post(
    '/payment_intents/:id',
    (req) => {
      const pi = state.paymentIntents.get(req.path.id, req.owner);
      const p = req.params;
      if (p.has('metadata')) pi.metadata = p.isEmptied('metadata') ? {} : mergeMetadata(pi.metadata, p.metadata());
      if (p.has('description')) pi.description = p.nullableStr('description') ?? null;
      const moneyChange = ['amount', 'currency', 'application_fee_amount', 'transfer_data'].some((k) => p.has(k));
      if (moneyChange) {
        if (pi.status !== 'requires_payment_method' && pi.status !== 'requires_confirmation') {
          throw invalidRequest(`You cannot update the amount of a PaymentIntent in status ${pi.status}.`, {
            code: 'payment_intent_unexpected_state',
          });
        }
        if (p.has('amount')) pi.amount = p.reqInt('amount');
        if (p.has('application_fee_amount')) pi.application_fee_amount = p.int('application_fee_amount') ?? null;
      }
      if (p.has('transfer_group')) pi.transfer_group = p.nullableStr('transfer_group') ?? null;
      if (p.has('payment_method')) pi.payment_method = p.nullableStr('payment_method') ?? null;
      return pi;
    },
    {
      allow: [
        'metadata',
        'description',
        'amount',
        'currency',
        'application_fee_amount',
        'transfer_data',
        'transfer_group',
        'payment_method',
        'receipt_email',
      ],
    },
  );
  api.post(
    '/payment_intents/:id/confirm',
    (req) => {
      const pi = state.paymentIntents.get(req.path.id, req.owner);
      const pm = req.params.str('payment_method') ?? (typeof pi.payment_method === 'string' ? pi.payment_method : undefined);
      if (!pm)
        throw invalidRequest("You cannot confirm this PaymentIntent because it's missing a payment method.", {
          code: 'payment_intent_unexpected_state',
        });
      const result = confirmPaymentIntent(core, req.owner, pi, pm, undefined, { offSession: offSessionOf(req.params) });
      if (result.status === 'declined') throw result.error;
      return pi;
    },
    { allow: ['payment_method', 'return_url', 'off_session', 'mandate_data', 'allowed_payment_method_types'] },
  );
  api.post(
    '/payment_intents/:id/cancel',
    (req) => {
      const pi = state.paymentIntents.get(req.path.id, req.owner);
      if (!['requires_payment_method', 'requires_confirmation', 'requires_action', 'requires_capture'].includes(pi.status)) {
        throw invalidRequest(`You cannot cancel this PaymentIntent because it has a status of ${pi.status}.`, {
          code: 'payment_intent_unexpected_state',
        });
      }
      pi.status = 'canceled';
      pi.canceled_at = core.now();
      pi.cancellation_reason = (req.params.str('cancellation_reason') as 'requested_by_customer') ?? null;
      core.events.publish('payment_intent.canceled', req.owner, pi);
      return pi;
    },
    { allow: ['cancellation_reason'] },
  );
}
