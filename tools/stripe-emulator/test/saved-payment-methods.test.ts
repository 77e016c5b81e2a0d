import Stripe from 'stripe';
import { onboardedAccount, startHarness, waitFor, WebhookReceiver, type Harness } from './helpers';

/** Saving a card (SetupIntents, setup-mode Checkout) and charging it later off-session. */
describe('stripe emulator: saved payment methods and off-session charges', () => {
  let h: Harness;
  let hook: WebhookReceiver;
  let connected: Stripe.Account;

  beforeAll(async () => {
    h = await startHarness({ clock: { frozen: true } });
    hook = await new WebhookReceiver().start();
    hook.secrets = [(await h.emulator.addWebhookEndpoint({ url: hook.url })).secret];
    connected = await onboardedAccount(h);
  });
  afterAll(async () => {
    await h.emulator.stop();
    await hook.stop();
  });

  async function savedCard(card: string): Promise<{ customer: Stripe.Customer; session: Stripe.Checkout.Session; pm: string }> {
    const customer = await h.stripe.customers.create({ email: 'client@example.com' });
    const session = await h.stripe.checkout.sessions.create({
      mode: 'setup',
      currency: 'usd',
      customer: customer.id,
      success_url: 'https://app.example.com/ok',
      metadata: { contract_id: 'c1' },
      setup_intent_data: { metadata: { contract_id: 'c1' } },
    });
    const { session: done, error } = await h.emulator.control.completeCheckout(session.id, { payment_method: card });
    expect(error).toBeUndefined();
    const si = await h.stripe.setupIntents.retrieve(done.setup_intent as string);
    return { customer, session: done, pm: si.payment_method as string };
  }

  it('completes a setup-mode Checkout: SetupIntent succeeded, card attached, checkout.session.completed and setup_intent.succeeded', async () => {
    const customer = await h.stripe.customers.create({ email: 'client@example.com' });
    const session = await h.stripe.checkout.sessions.create({
      mode: 'setup',
      currency: 'usd',
      customer: customer.id,
      success_url: 'https://app.example.com/ok',
      setup_intent_data: { metadata: { contract_id: 'c-42' } },
    });
    expect(session).toMatchObject({
      mode: 'setup',
      status: 'open',
      setup_intent: null,
      amount_total: null,
      payment_status: 'no_payment_required',
    });
    expect(session.url).toContain(session.id);

    const { session: done } = await h.emulator.control.completeCheckout(session.id, { payment_method: 'pm_card_visa' });
    expect(done).toMatchObject({ status: 'complete', customer: customer.id });
    const si = await h.stripe.setupIntents.retrieve(done.setup_intent as string, { expand: ['payment_method'] });
    expect(si).toMatchObject({ status: 'succeeded', customer: customer.id, usage: 'off_session', metadata: { contract_id: 'c-42' } });
    const pm = si.payment_method as Stripe.PaymentMethod;
    expect(pm).toMatchObject({ customer: customer.id, card: { brand: 'visa', last4: '4242' } });
    expect((await h.stripe.paymentMethods.list({ customer: customer.id })).data.map((x) => x.id)).toEqual([pm.id]);

    const completed = await waitFor(
      () => hook.ofType('checkout.session.completed').find((e) => (e.data.object as Stripe.Checkout.Session).id === session.id),
      3000,
      'checkout.session.completed',
    );
    expect((completed.data.object as Stripe.Checkout.Session).setup_intent).toBe(si.id);
    await waitFor(() => hook.ofType('setup_intent.succeeded').find((e) => (e.data.object as Stripe.SetupIntent).id === si.id), 3000, 'si');
  });

  it('rejects setup-mode parameters that belong to payments', async () => {
    const err = (await h.stripe.checkout.sessions
      .create({
        mode: 'setup',
        success_url: 'https://app.example.com/ok',
        line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 100, product_data: { name: 'x' } } }],
      })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err.param).toBe('line_items');
  });

  it('a declining card leaves the setup session open with the decline', async () => {
    const customer = await h.stripe.customers.create({});
    const session = await h.stripe.checkout.sessions.create({ mode: 'setup', customer: customer.id, success_url: 'https://x.example/ok' });
    const { session: after, error } = await h.emulator.control.completeCheckout(session.id, { payment_method: 'pm_card_chargeDeclined' });
    expect(error).toMatchObject({ code: 'card_declined', decline_code: 'generic_decline' });
    expect(after.status).toBe('open');
    expect((await h.stripe.paymentMethods.list({ customer: customer.id })).data).toHaveLength(0);
  });

  it('creates and confirms SetupIntents through the API; a 3D Secure card needs action on-session', async () => {
    const customer = await h.stripe.customers.create({});
    const si = await h.stripe.setupIntents.create({ customer: customer.id, usage: 'off_session' });
    expect(si).toMatchObject({ status: 'requires_payment_method', payment_method: null });
    const ok = await h.stripe.setupIntents.confirm(si.id, { payment_method: 'pm_card_mastercard' });
    expect(ok.status).toBe('succeeded');
    expect((await h.stripe.paymentMethods.retrieve(ok.payment_method as string)).customer).toBe(customer.id);

    const threeDs = await h.stripe.setupIntents.create({
      customer: customer.id,
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
    });
    expect(threeDs.status).toBe('requires_action');
    expect(threeDs.next_action?.type).toBe('use_stripe_sdk');

    const declined = (await h.stripe.setupIntents
      .create({ customer: customer.id, payment_method: 'pm_card_chargeDeclined', confirm: true })
      .catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
    expect(declined).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(declined.code).toBe('card_declined');
  });

  it('charges a saved card off-session as a destination charge: charge, transfer, application fee, payment_intent.succeeded', async () => {
    const { customer, pm } = await savedCard('pm_card_visa');
    const pi = await h.stripe.paymentIntents.create(
      {
        amount: 12_345,
        currency: 'usd',
        customer: customer.id,
        payment_method: pm,
        confirm: true,
        off_session: true,
        application_fee_amount: 1_235,
        transfer_data: { destination: connected.id },
        metadata: { week: '2026-11-23' },
      },
      { idempotencyKey: 'week-charge-1' },
    );
    expect(pi).toMatchObject({ status: 'succeeded', amount_received: 12_345, customer: customer.id, payment_method: pm });
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    const transfer = await h.stripe.transfers.retrieve(charge.transfer as string);
    expect(transfer).toMatchObject({ amount: 12_345, destination: connected.id });
    const fee = await h.stripe.applicationFees.retrieve(charge.application_fee as string);
    expect(fee).toMatchObject({ amount: 1_235, account: connected.id });

    // The same idempotency key replays the answer: no second charge.
    const replay = await h.stripe.paymentIntents.create(
      {
        amount: 12_345,
        currency: 'usd',
        customer: customer.id,
        payment_method: pm,
        confirm: true,
        off_session: true,
        application_fee_amount: 1_235,
        transfer_data: { destination: connected.id },
        metadata: { week: '2026-11-23' },
      },
      { idempotencyKey: 'week-charge-1' },
    );
    expect(replay.id).toBe(pi.id);
    expect((await h.stripe.paymentIntents.list({ customer: customer.id })).data).toHaveLength(1);
    await waitFor(
      () => hook.ofType('payment_intent.succeeded').find((e) => (e.data.object as Stripe.PaymentIntent).id === pi.id),
      3000,
      'pi',
    );
  });

  it('an off-session charge on a card that needs authentication fails with authentication_required, PaymentIntent requires_payment_method', async () => {
    const { customer, pm } = await savedCard('pm_card_authenticationRequired');
    const err = (await h.stripe.paymentIntents
      .create({
        amount: 5_000,
        currency: 'usd',
        customer: customer.id,
        payment_method: pm,
        confirm: true,
        off_session: true,
        application_fee_amount: 500,
        transfer_data: { destination: connected.id },
      })
      .catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err.statusCode).toBe(402);
    expect(err.code).toBe('authentication_required');
    expect(err.decline_code).toBe('authentication_required');
    const piId = (err.raw as { payment_intent?: { id: string } }).payment_intent!.id;
    const pi = await h.stripe.paymentIntents.retrieve(piId);
    expect(pi.status).toBe('requires_payment_method');
    expect(pi.last_payment_error?.code).toBe('authentication_required');
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ status: 'failed', failure_code: 'authentication_required', application_fee: null });
    expect(charge.transfer).toBeUndefined();
    expect((await h.stripe.transfers.list({ destination: connected.id })).data.filter((t) => t.source_transaction === charge.id)).toEqual(
      [],
    );
    const failed = await waitFor(
      () => hook.ofType('payment_intent.payment_failed').find((e) => (e.data.object as Stripe.PaymentIntent).id === piId),
      3000,
      'payment_failed',
    );
    expect((failed.data.object as Stripe.PaymentIntent).last_payment_error?.code).toBe('authentication_required');

    // The same card on-session asks for 3D Secure instead of failing.
    const onSession = await h.stripe.paymentIntents.create({
      amount: 5_000,
      currency: 'usd',
      customer: customer.id,
      payment_method: pm,
      confirm: true,
    });
    expect(onSession.status).toBe('requires_action');
  });

  it('a generic decline fails off-session with card_declined; a PaymentMethod of another customer is refused', async () => {
    const { customer, pm } = await savedCard('pm_card_chargeCustomerFail');
    const err = (await h.stripe.paymentIntents
      .create({ amount: 5_000, currency: 'usd', customer: customer.id, payment_method: pm, confirm: true, off_session: true })
      .catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err.code).toBe('card_declined');
    expect(err.decline_code).toBe('generic_decline');

    const other = await h.stripe.customers.create({});
    const wrong = (await h.stripe.paymentIntents
      .create({ amount: 5_000, currency: 'usd', customer: other.id, payment_method: pm, confirm: true, off_session: true })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(wrong).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);

    const notConfirmed = (await h.stripe.paymentIntents
      .create({ amount: 5_000, currency: 'usd', customer: customer.id, payment_method: pm, off_session: true })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(notConfirmed.param).toBe('off_session');
  });
});
