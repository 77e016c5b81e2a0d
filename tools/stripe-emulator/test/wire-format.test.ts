import Stripe from 'stripe';
import { API_KEY, startHarness, type Harness } from './helpers';

describe('stripe emulator: wire format through the real SDK', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.emulator.stop();
  });

  it('rejects a wrong API key with 401 in Stripe error shape', async () => {
    const bad = new Stripe('sk_test_wrong', { ...h.emulator.stripeConfig, maxNetworkRetries: 0 });
    const err = await bad.customers.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    const e = err as Stripe.errors.StripeError;
    expect(e.statusCode).toBe(401);
    expect(e.type).toBe('StripeAuthenticationError');
    expect(e.message).toMatch(/^Invalid API Key provided: sk_test_/);
    expect(e.requestId).toMatch(/^req_/);
  });

  it('decodes bracket form parameters, returns Stripe-style ids, and 404s unknown ids', async () => {
    const customer = await h.stripe.customers.create({ email: 'a@example.com', metadata: { order_id: 'o-1', nested: 'x' } });
    expect(customer.id).toMatch(/^cus_[A-Za-z0-9]{24}$/);
    expect(customer.metadata).toEqual({ order_id: 'o-1', nested: 'x' });
    const err = (await h.stripe.customers.retrieve('cus_missing').catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('resource_missing');
    expect(err.message).toBe("No such customer: 'cus_missing'");
  });

  it('rejects unknown and missing parameters with 400', async () => {
    const unknown = (await h.stripe.customers
      .create({ emial: 'typo' } as Stripe.CustomerCreateParams)
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(unknown.statusCode).toBe(400);
    expect(unknown.code).toBe('parameter_unknown');
    expect(unknown.param).toBe('emial');
    const missing = (await h.stripe.prices
      .create({ currency: 'usd', product: 'prod_x' } as Stripe.PriceCreateParams)
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(missing.statusCode).toBe(400);
    expect(missing.code).toBe('parameter_missing');
  });

  it('paginates lists with limit, starting_after, ending_before and created filters, and auto-pagination', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await h.stripe.products.create({ name: `p${i}` })).id);
    const newestFirst = [...ids].reverse();
    const page1 = await h.stripe.products.list({ limit: 3 });
    expect(page1.object).toBe('list');
    expect(page1.data.map((p) => p.id)).toEqual(newestFirst.slice(0, 3));
    expect(page1.has_more).toBe(true);
    const page2 = await h.stripe.products.list({ limit: 3, starting_after: page1.data[2].id });
    expect(page2.data.map((p) => p.id)).toEqual(newestFirst.slice(3, 6));
    const back = await h.stripe.products.list({ limit: 2, ending_before: newestFirst[3] });
    expect(back.data.map((p) => p.id)).toEqual(newestFirst.slice(1, 3));
    const all: string[] = [];
    for await (const p of h.stripe.products.list({ limit: 2 })) all.push(p.id);
    expect(all).toEqual(newestFirst);
    const now = await h.emulator.control.now();
    expect((await h.stripe.products.list({ created: { gte: now + 100 } })).data).toHaveLength(0);
    expect((await h.stripe.products.list({ created: { lte: now + 100 }, limit: 100 })).data.length).toBeGreaterThanOrEqual(7);
  });

  it('replays an idempotent request and rejects the same key with other parameters', async () => {
    const key = `fund:order-${Date.now()}`;
    const first = await h.stripe.customers.create({ email: 'idem@example.com' }, { idempotencyKey: key });
    const replay = await h.stripe.customers.create({ email: 'idem@example.com' }, { idempotencyKey: key });
    expect(replay.id).toBe(first.id);
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');
    const all = await h.stripe.customers.list({ email: 'idem@example.com' });
    expect(all.data).toHaveLength(1);
    const err = (await h.stripe.customers
      .create({ email: 'other@example.com' }, { idempotencyKey: key })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(err.statusCode).toBe(400);
    expect(err.type).toBe('StripeIdempotencyError');
  });

  it('replays a stored card decline (402) under the same key without charging again', async () => {
    const key = `decline-${Date.now()}`;
    const params: Stripe.PaymentIntentCreateParams = {
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_chargeDeclined',
      confirm: true,
    };
    const e1 = (await h.stripe.paymentIntents
      .create(params, { idempotencyKey: key })
      .catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
    const e2 = (await h.stripe.paymentIntents
      .create(params, { idempotencyKey: key })
      .catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
    expect(e1).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(e1.statusCode).toBe(402);
    expect(e1.code).toBe('card_declined');
    expect(e1.decline_code).toBe('generic_decline');
    expect(e2.raw).toMatchObject({ charge: (e1.raw as { charge: string }).charge });
    expect((e1.payment_intent as Stripe.PaymentIntent).status).toBe('requires_payment_method');
  });

  it('expands ids and includable fields with expand[]', async () => {
    const customer = await h.stripe.customers.create({ email: 'exp@example.com' });
    const pi = await h.stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      customer: customer.id,
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const expanded = await h.stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge', 'customer'] });
    expect((expanded.latest_charge as Stripe.Charge).object).toBe('charge');
    expect((expanded.customer as Stripe.Customer).email).toBe('exp@example.com');
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.refunds).toBeUndefined();
    const withRefunds = await h.stripe.charges.retrieve(charge.id, { expand: ['refunds', 'balance_transaction'] });
    expect(withRefunds.refunds?.object).toBe('list');
    expect((withRefunds.balance_transaction as Stripe.BalanceTransaction).amount).toBe(2000);
    const list = await h.stripe.charges.list({ payment_intent: pi.id, expand: ['data.payment_intent'] });
    expect((list.data[0].payment_intent as Stripe.PaymentIntent).id).toBe(pi.id);
    const bad = (await h.stripe.charges
      .retrieve(charge.id, { expand: ['nonsense'] })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(bad.statusCode).toBe(400);
  });

  it('injects 429/409/500 API faults; the SDK retries 409 with the same idempotency key', async () => {
    await h.emulator.control.addApiFault({ status: 429, path_prefix: '/v1/customers', method: 'GET' });
    const rl = (await h.stripe.customers.list().catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(rl).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(rl.statusCode).toBe(429);

    const retrying = new Stripe(API_KEY, { ...h.emulator.stripeConfig, maxNetworkRetries: 2 });
    await h.emulator.control.addApiFault({ status: 500, path_prefix: '/v1/customers', method: 'POST', phase: 'after' });
    const c = await retrying.customers.create({ email: 'lost-response@example.com' });
    // The first attempt created it but answered 500; the retry replayed the stored result.
    expect((await h.stripe.customers.list({ email: 'lost-response@example.com' })).data.map((x) => x.id)).toEqual([c.id]);
    expect(c.lastResponse.headers['idempotent-replayed']).toBe('true');
  });

  it('scopes data to Stripe-Account and rejects unknown accounts', async () => {
    const acct = await h.stripe.accounts.create({ type: 'express', capabilities: { transfers: { requested: true } } });
    const onConnected = await h.stripe.customers.create({ email: 'conn@example.com' }, { stripeAccount: acct.id });
    const fromPlatform = (await h.stripe.customers.retrieve(onConnected.id).catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(fromPlatform.statusCode).toBe(404);
    const fromAccount = await h.stripe.customers.retrieve(onConnected.id, {}, { stripeAccount: acct.id });
    expect(fromAccount.id).toBe(onConnected.id);
    const current = await h.stripe.accounts.retrieveCurrent(undefined, { stripeAccount: acct.id });
    expect(current.id).toBe(acct.id);
    const unknown = (await h.stripe.customers
      .list({}, { stripeAccount: 'acct_1Unknown000000000' })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(unknown).toBeInstanceOf(Stripe.errors.StripePermissionError);
  });
});
