import type Stripe from 'stripe';
import type { Core } from '../core';
import { previousAttributes } from '../events/bus';
import { invalidRequest } from '../http/errors';
import { mergeMetadata, type Params } from '../http/form';
import { paginate } from '../http/list';
import type { ApiRouter } from '../http/router';
import { newId, randomBase62 } from '../ids';
import { assertPaymentMethodExists, attachPaymentMethod, resolvePaymentMethod } from './payment-methods';

export function createCustomer(
  core: Core,
  owner: string,
  fields: { email?: string | null; name?: string | null; metadata?: Record<string, string>; description?: string | null },
): Stripe.Customer {
  const customer: Stripe.Customer = {
    id: newId('cus'),
    object: 'customer',
    address: null,
    balance: 0,
    created: core.now(),
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: fields.description ?? null,
    discount: null,
    email: fields.email ?? null,
    invoice_prefix: randomBase62(8).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: fields.metadata ?? {},
    name: fields.name ?? null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
  core.state.customers.insert(owner, customer);
  core.events.publish('customer.created', owner, customer);
  return customer;
}

function applyPaymentMethodParams(core: Core, owner: string, customer: Stripe.Customer, p: Params): void {
  const pmRef = p.str('payment_method');
  if (pmRef) attachPaymentMethod(core, owner, resolvePaymentMethod(core, owner, pmRef), customer.id);
  const dpm = p.obj('invoice_settings')?.nullableStr('default_payment_method');
  if (dpm !== undefined) {
    if (dpm === null) {
      customer.invoice_settings.default_payment_method = null;
    } else {
      const pm =
        dpm === pmRef
          ? core.state.paymentMethods.all(owner).find((x) => x.customer === customer.id)
          : resolvePaymentMethod(core, owner, dpm);
      if (!pm || pm.customer !== customer.id) {
        throw invalidRequest(
          `The customer does not have a payment method with the ID ${dpm}. The payment method must be attached to the customer.`,
          {
            param: 'invoice_settings[default_payment_method]',
          },
        );
      }
      customer.invoice_settings.default_payment_method = pm.id;
    }
  }
}

export function registerCustomers(api: ApiRouter, core: Core): void {
  const { state } = core;
  const allow = ['email', 'name', 'description', 'metadata', 'payment_method', 'invoice_settings', 'phone', 'address'];

  api.post(
    '/customers',
    (req) => {
      const p = req.params;
      // Validate payment method references first: a failed create must leave nothing behind.
      const pmRef = p.str('payment_method');
      if (pmRef) assertPaymentMethodExists(core, req.owner, pmRef);
      const dpm = p.obj('invoice_settings')?.nullableStr('default_payment_method');
      if (dpm && dpm !== pmRef) {
        throw invalidRequest(
          `The customer does not have a payment method with the ID ${dpm}. The payment method must be attached to the customer.`,
          {
            param: 'invoice_settings[default_payment_method]',
          },
        );
      }
      const customer = createCustomer(core, req.owner, {
        email: p.str('email'),
        name: p.str('name'),
        description: p.str('description'),
        metadata: p.metadata(),
      });
      applyPaymentMethodParams(core, req.owner, customer, p);
      return customer;
    },
    { allow },
  );
  api.get('/customers/:id', (req) => state.customers.get(req.path.id, req.owner));
  api.get('/customers', (req) => {
    const email = req.params.str('email');
    return paginate(
      state.customers.all(req.owner).filter((c) => !email || c.email === email),
      req.params,
      '/v1/customers',
    );
  });
  api.post(
    '/customers/:id',
    (req) => {
      const c = state.customers.get(req.path.id, req.owner);
      const before = JSON.parse(JSON.stringify(c)) as Stripe.Customer;
      const p = req.params;
      if (p.has('email')) c.email = p.nullableStr('email') ?? null;
      if (p.has('name')) c.name = p.nullableStr('name') ?? null;
      if (p.has('description')) c.description = p.nullableStr('description') ?? null;
      if (p.has('metadata')) c.metadata = p.isEmptied('metadata') ? {} : mergeMetadata(c.metadata, p.metadata());
      applyPaymentMethodParams(core, req.owner, c, p);
      const prev = previousAttributes(before, c);
      if (Object.keys(prev).length > 0) core.events.publish('customer.updated', req.owner, c, prev);
      return c;
    },
    { allow },
  );
  api.del('/customers/:id', (req) => {
    const c = state.customers.get(req.path.id, req.owner);
    state.customers.delete(c.id);
    core.events.publish('customer.deleted', req.owner, c);
    const deleted: Stripe.DeletedCustomer = { id: c.id, object: 'customer', deleted: true };
    return deleted;
  });
}
