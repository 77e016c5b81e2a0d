import Stripe from 'stripe';
import { startHarness, waitFor, WebhookReceiver, type Harness } from './helpers';

const DAY = 24 * 3600;

describe('stripe emulator: subscriptions and invoices', () => {
  let h: Harness;
  let hook: WebhookReceiver;
  let price: Stripe.Price;

  beforeAll(async () => {
    h = await startHarness({ clock: { frozen: true, start: Date.UTC(2026, 0, 15, 12) / 1000 } });
    hook = await new WebhookReceiver().start();
    hook.secrets = [(await h.emulator.addWebhookEndpoint({ url: hook.url })).secret];
    const product = await h.stripe.products.create({ name: 'FPMS Pro' });
    price = await h.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 2_900, recurring: { interval: 'month' } });
  });
  afterAll(async () => {
    await h.emulator.stop();
    await hook.stop();
  });

  const eventsFor = (type: string, subId: string) =>
    hook.ofType(type).filter((e) => {
      const o = e.data.object as { id: string; parent?: Stripe.Invoice['parent'] };
      return o.id === subId || o.parent?.subscription_details?.subscription === subId;
    });

  it('starts a subscription through Checkout (subscription mode) with a paid first invoice', async () => {
    const session = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      success_url: 'https://app.example.com/billing/ok',
      customer_email: 'owner@example.com',
      line_items: [{ price: price.id, quantity: 1 }],
      subscription_data: { metadata: { freelancer_account_id: 'fa_7' } },
    });
    const { session: done } = await h.emulator.control.completeCheckout(session.id);
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid' });
    const sub = await h.stripe.subscriptions.retrieve(done.subscription as string, { expand: ['latest_invoice'] });
    expect(sub).toMatchObject({ status: 'active', metadata: { freelancer_account_id: 'fa_7' } });
    expect(sub.items.data[0].current_period_end).toBe(Date.UTC(2026, 1, 15, 12) / 1000);
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 2_900, billing_reason: 'subscription_create' });
    await h.emulator.control.drainWebhooks();
    for (const type of ['checkout.session.completed', 'customer.subscription.created', 'invoice.paid'])
      expect(hook.ofType(type).length).toBeGreaterThan(0);
  });

  it('a renewal fails (past_due, invoice.payment_failed), then the smart retry succeeds (active, invoice.paid)', async () => {
    const customer = await h.stripe.customers.create({
      email: 'renew@example.com',
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    });
    const sub = await h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    expect(sub.status).toBe('active');
    await h.emulator.control.failNextRenewal(sub.id, 1);

    await h.emulator.control.advanceClock(31 * DAY);
    const pastDue = await h.stripe.subscriptions.retrieve(sub.id);
    expect(pastDue.status).toBe('past_due');
    const open = (await h.stripe.invoices.list({ subscription: sub.id, status: 'open' })).data[0];
    expect(open).toMatchObject({ billing_reason: 'subscription_cycle', attempt_count: 1, amount_remaining: 2_900 });
    expect(open.next_payment_attempt).toBe(pastDue.items.data[0].current_period_start + 3 * DAY);
    expect(eventsFor('invoice.payment_failed', sub.id)).toHaveLength(1);
    const updated = eventsFor('customer.subscription.updated', sub.id).find(
      (e) => (e.data.object as Stripe.Subscription).status === 'past_due',
    )!;
    expect((updated.data as { previous_attributes?: { status?: string } }).previous_attributes?.status).toBe('active');

    await h.emulator.control.advanceClock(3 * DAY);
    const recovered = await h.stripe.subscriptions.retrieve(sub.id);
    expect(recovered.status).toBe('active');
    const paid = await h.stripe.invoices.retrieve(open.id, { expand: ['payments'] });
    expect(paid).toMatchObject({ status: 'paid', attempt_count: 2, amount_paid: 2_900 });
    expect(paid.payments?.data[0].payment.payment_intent).toMatch(/^pi_/);
    await waitFor(() => eventsFor('invoice.paid', sub.id).length === 2, 3000, 'second invoice.paid');
  });

  it('cancels after every retry fails, and at period end when asked to', async () => {
    const customer = await h.stripe.customers.create({
      email: 'lapse@example.com',
      payment_method: 'pm_card_visa',
      invoice_settings: { default_payment_method: 'pm_card_visa' },
    });
    const sub = await h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    await h.emulator.control.failNextRenewal(sub.id, 10);
    await h.emulator.control.advanceClock(31 * DAY + 16 * DAY);
    const gone = await h.stripe.subscriptions.retrieve(sub.id);
    expect(gone.status).toBe('canceled');
    expect(gone.cancellation_details?.reason).toBe('payment_failed');
    expect(eventsFor('invoice.payment_failed', sub.id)).toHaveLength(4);
    await waitFor(() => eventsFor('customer.subscription.deleted', sub.id).length === 1, 3000, 'deleted');

    const other = await h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    await h.stripe.subscriptions.update(other.id, { cancel_at_period_end: true });
    await h.emulator.control.advanceClock(32 * DAY);
    expect((await h.stripe.subscriptions.retrieve(other.id)).status).toBe('canceled');
  });

  it('a customer can pay an open invoice after fixing the card', async () => {
    const customer = await h.stripe.customers.create({
      email: 'fix@example.com',
      payment_method: 'pm_card_chargeCustomerFail',
      invoice_settings: { default_payment_method: 'pm_card_chargeCustomerFail' },
    });
    const sub = await h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    expect(sub.status).toBe('incomplete');
    const invoice = await h.stripe.invoices.retrieve(sub.latest_invoice as string);
    expect(invoice.status).toBe('open');
    const declined = (await h.stripe.invoices.pay(invoice.id).catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(declined).toBeInstanceOf(Stripe.errors.StripeCardError);
    const pm = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const paid = await h.stripe.invoices.pay(invoice.id, { payment_method: pm.id });
    expect(paid.status).toBe('paid');
    expect((await h.stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
  });
});
