import type Stripe from 'stripe';
import { decimal, type Core } from '../core';
import { invalidParam, missingParam } from '../http/errors';
import { mergeMetadata, type Params } from '../http/form';
import { paginate } from '../http/list';
import type { ApiRouter } from '../http/router';
import { newId } from '../ids';

/** Products and prices: the catalog Checkout line items and subscriptions refer to. */
export function createProduct(core: Core, owner: string, p: Params): Stripe.Product {
  const now = core.now();
  const product: Stripe.Product = {
    id: p.str('id') ?? newId('prod'),
    object: 'product',
    active: p.bool('active') ?? true,
    created: now,
    default_price: null,
    description: p.str('description') ?? null,
    images: p.strList('images') ?? [],
    livemode: false,
    marketing_features: [],
    metadata: p.metadata() ?? {},
    name: p.reqStr('name'),
    package_dimensions: null,
    shippable: null,
    statement_descriptor: p.str('statement_descriptor') ?? null,
    tax_code: p.str('tax_code') ?? null,
    tax_details: null,
    type: 'service',
    unit_label: p.str('unit_label') ?? null,
    updated: now,
    url: p.str('url') ?? null,
  };
  core.state.products.insert(owner, product);
  core.events.publish('product.created', owner, product);
  return product;
}

function recurringOf(p: Params | undefined): Stripe.Price.Recurring | null {
  if (!p) return null;
  const interval = p.oneOf('interval', ['day', 'week', 'month', 'year'] as const);
  if (!interval) throw missingParam('recurring[interval]');
  return {
    interval,
    interval_count: p.int('interval_count') ?? 1,
    meter: null,
    trial_period_days: p.int('trial_period_days') ?? null,
    usage_type: 'licensed',
  };
}

export function buildPrice(
  core: Core,
  fields: {
    currency: string;
    unitAmount: number;
    product: string;
    recurring: Stripe.Price.Recurring | null;
    metadata?: Record<string, string>;
    nickname?: string | null;
    lookupKey?: string | null;
  },
): Stripe.Price {
  if (!Number.isSafeInteger(fields.unitAmount) || fields.unitAmount < 0)
    throw invalidParam('unit_amount', 'unit_amount must be a non-negative integer');
  return {
    id: newId('price'),
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: core.now(),
    currency: fields.currency.toLowerCase(),
    custom_unit_amount: null,
    livemode: false,
    lookup_key: fields.lookupKey ?? null,
    metadata: fields.metadata ?? {},
    nickname: fields.nickname ?? null,
    product: fields.product,
    recurring: fields.recurring,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: fields.recurring ? 'recurring' : 'one_time',
    unit_amount: fields.unitAmount,
    unit_amount_decimal: decimal(String(fields.unitAmount)),
  };
}

/** `price_data` (inline prices in Checkout and subscriptions) creates a hidden price, as Stripe does. */
export function priceFromData(core: Core, owner: string, p: Params): Stripe.Price {
  let productId = p.str('product');
  const productData = p.obj('product_data');
  if (!productId && productData) {
    productId = createProduct(core, owner, productData).id;
  }
  if (!productId) throw missingParam('price_data[product]');
  core.state.products.get(productId, owner, 'price_data[product]');
  const price = buildPrice(core, {
    currency: p.reqStr('currency'),
    unitAmount: p.reqInt('unit_amount'),
    product: productId,
    recurring: recurringOf(p.obj('recurring')),
  });
  price.active = false;
  return core.state.prices.insert(owner, price);
}

export function registerCatalog(api: ApiRouter, core: Core): void {
  const { state } = core;
  api.post('/products', (req) => createProduct(core, req.owner, req.params), {
    allow: [
      'id',
      'name',
      'active',
      'description',
      'images',
      'metadata',
      'statement_descriptor',
      'tax_code',
      'unit_label',
      'url',
      'default_price_data',
    ],
  });
  api.get('/products/:id', (req) => state.products.get(req.path.id, req.owner));
  api.get('/products', (req) => paginate(state.products.all(req.owner), req.params, '/v1/products'));
  api.post(
    '/products/:id',
    (req) => {
      const product = state.products.get(req.path.id, req.owner);
      const p = req.params;
      if (p.has('name')) product.name = p.reqStr('name');
      if (p.has('active')) product.active = p.bool('active') ?? product.active;
      if (p.has('description')) product.description = p.nullableStr('description') ?? null;
      if (p.has('metadata')) product.metadata = p.isEmptied('metadata') ? {} : mergeMetadata(product.metadata, p.metadata());
      if (p.has('default_price')) product.default_price = p.nullableStr('default_price') ?? null;
      product.updated = core.now();
      core.events.publish('product.updated', req.owner, product);
      return product;
    },
    { allow: ['name', 'active', 'description', 'metadata', 'default_price', 'images', 'url'] },
  );

  api.post(
    '/prices',
    (req) => {
      const p = req.params;
      const currency = p.reqStr('currency');
      const unitAmount = p.reqInt('unit_amount');
      let productId = p.str('product');
      if (!productId && p.has('product_data')) productId = createProduct(core, req.owner, p.obj('product_data')!).id;
      if (!productId) throw missingParam('product');
      state.products.get(productId, req.owner, 'product');
      const price = buildPrice(core, {
        currency,
        unitAmount,
        product: productId,
        recurring: recurringOf(p.obj('recurring')),
        metadata: p.metadata(),
        nickname: p.str('nickname'),
        lookupKey: p.str('lookup_key'),
      });
      if (p.has('active')) price.active = p.bool('active') ?? true;
      state.prices.insert(req.owner, price);
      core.events.publish('price.created', req.owner, price);
      return price;
    },
    {
      allow: [
        'currency',
        'unit_amount',
        'product',
        'product_data',
        'recurring',
        'metadata',
        'nickname',
        'lookup_key',
        'active',
        'tax_behavior',
      ],
    },
  );
  api.get('/prices/:id', (req) => state.prices.get(req.path.id, req.owner));
  api.get('/prices', (req) => {
    const product = req.params.str('product');
    const active = req.params.bool('active');
    const items = state.prices
      .all(req.owner)
      .filter((x) => (!product || x.product === product) && (active === undefined || x.active === active));
    return paginate(items, req.params, '/v1/prices');
  });
  api.post(
    '/prices/:id',
    (req) => {
      const price = state.prices.get(req.path.id, req.owner);
      const p = req.params;
      if (p.has('active')) price.active = p.bool('active') ?? price.active;
      if (p.has('metadata')) price.metadata = p.isEmptied('metadata') ? {} : mergeMetadata(price.metadata, p.metadata());
      if (p.has('nickname')) price.nickname = p.nullableStr('nickname') ?? null;
      core.events.publish('price.updated', req.owner, price);
      return price;
    },
    { allow: ['active', 'metadata', 'nickname', 'lookup_key'] },
  );
}
