import http from 'http';
import Stripe from 'stripe';
import { onboardedAccount, startHarness, waitFor, WebhookReceiver, type Harness } from './helpers';

function get(url: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, location: res.headers.location });
      })
      .on('error', reject);
  });
}

const available = (b: Stripe.Balance, currency = 'usd') => b.available.find((x) => x.currency === currency)?.amount ?? 0;
const pending = (b: Stripe.Balance, currency = 'usd') => b.pending.find((x) => x.currency === currency)?.amount ?? 0;
const total = (b: Stripe.Balance) => available(b) + pending(b);

describe('stripe emulator: Connect and money', () => {
  let h: Harness;
  let platformHook: WebhookReceiver;
  let connectHook: WebhookReceiver;

  beforeAll(async () => {
    h = await startHarness({ clock: { frozen: true } });
    platformHook = await new WebhookReceiver().start();
    connectHook = await new WebhookReceiver().start();
    const p = await h.emulator.addWebhookEndpoint({ url: platformHook.url });
    const c = await h.emulator.addWebhookEndpoint({ url: connectHook.url, connect: true });
    platformHook.secrets = [p.secret];
    connectHook.secrets = [c.secret];
  });
  afterAll(async () => {
    await h.emulator.stop();
    await platformHook.stop();
    await connectHook.stop();
  });

  it('onboards an Express account through an account link to charges_enabled, with account.updated on the Connect endpoint', async () => {
    const account = await h.stripe.accounts.create({
      type: 'express',
      country: 'US',
      email: 'dev@example.com',
      capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
      metadata: { freelancer_account_id: 'fa_1' },
    });
    expect(account).toMatchObject({ type: 'express', charges_enabled: false, payouts_enabled: false, details_submitted: false });
    expect(account.requirements?.currently_due).toContain('external_account');
    expect(account.capabilities).toEqual({ card_payments: 'inactive', transfers: 'inactive' });
    const login = (await h.stripe.accounts.createLoginLink(account.id).catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(login.statusCode).toBe(400);

    const link = await h.stripe.accountLinks.create({
      account: account.id,
      type: 'account_onboarding',
      refresh_url: 'https://app.example.com/connect/refresh',
      return_url: 'https://app.example.com/connect/return',
    });
    expect(link.object).toBe('account_link');
    expect(link.expires_at - link.created).toBe(300);
    const visit = await get(link.url);
    expect(visit).toEqual({ status: 302, location: 'https://app.example.com/connect/return' });

    const after = await h.stripe.accounts.retrieve(account.id);
    expect(after).toMatchObject({ charges_enabled: true, payouts_enabled: true, details_submitted: true });
    expect(after.requirements?.currently_due).toEqual([]);
    expect(after.capabilities).toEqual({ card_payments: 'active', transfers: 'active' });

    const updated = await waitFor(
      () => connectHook.ofType('account.updated').find((e) => e.account === account.id),
      3000,
      'account.updated',
    );
    const prev = (updated!.data as { previous_attributes?: Partial<Stripe.Account> }).previous_attributes;
    expect(prev).toMatchObject({ charges_enabled: false, payouts_enabled: false, details_submitted: false });
    expect((updated!.data.object as Stripe.Account).charges_enabled).toBe(true);
    expect(platformHook.ofType('account.updated')).toHaveLength(0);

    const dashboard = await h.stripe.accounts.createLoginLink(account.id);
    expect(dashboard.object).toBe('login_link');

    // Regression (e.g. verification needed again) turns charges off and says why.
    const regressed = await h.emulator.control.setOnboarding(account.id, 'restricted');
    expect(regressed).toMatchObject({ charges_enabled: false, payouts_enabled: false });
    expect(regressed.requirements?.disabled_reason).toBe('requirements.past_due');
    await waitFor(
      () => connectHook.ofType('account.updated').filter((e) => e.account === account.id).length === 2,
      3000,
      'second account.updated',
    );
  });

  it('funds a destination charge through Checkout: charge, transfer and application fee, balances on both sides', async () => {
    const acct = await onboardedAccount(h);
    const session = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://app.example.com/paid?session={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://app.example.com/cancel',
      client_reference_id: 'order_42',
      metadata: { order_id: 'order_42' },
      line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 10_000, product_data: { name: 'Milestone 1' } } }],
      payment_intent_data: {
        application_fee_amount: 1_000,
        transfer_data: { destination: acct.id },
        transfer_group: 'milestone_m1',
        metadata: { order_id: 'order_42' },
      },
    });
    expect(session).toMatchObject({ status: 'open', payment_status: 'unpaid', amount_total: 10_000, payment_intent: null });
    expect(session.id).toMatch(/^cs_test_/);

    const done = await h.emulator.control.completeCheckout(session.id, { outcome: 'success', email: 'client@example.com' });
    expect(done.error).toBeUndefined();
    const s = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.latest_charge', 'line_items'] });
    expect(s).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(s.line_items?.data[0].amount_total).toBe(10_000);
    const pi = s.payment_intent as Stripe.PaymentIntent;
    expect(pi).toMatchObject({
      status: 'succeeded',
      amount_received: 10_000,
      application_fee_amount: 1_000,
      transfer_group: 'milestone_m1',
      metadata: { order_id: 'order_42' },
    });
    const charge = pi.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ status: 'succeeded', paid: true, amount: 10_000, transfer_group: 'milestone_m1' });
    expect(charge.transfer_data).toEqual({ amount: null, destination: acct.id });

    const transfer = await h.stripe.transfers.retrieve(charge.transfer as string);
    expect(transfer).toMatchObject({ amount: 10_000, destination: acct.id, source_transaction: charge.id, transfer_group: 'milestone_m1' });
    const fee = await h.stripe.applicationFees.retrieve(charge.application_fee as string);
    expect(fee).toMatchObject({ amount: 1_000, account: acct.id, originating_transaction: charge.id });

    // The destination payment lives on the connected account.
    const py = await h.stripe.charges.retrieve(transfer.destination_payment as string, {}, { stripeAccount: acct.id });
    expect(py).toMatchObject({ amount: 10_000, application_fee_amount: 1_000, source_transfer: transfer.id });

    const stripeFee = 290 + 30; // 2.9% of 10000 plus 30, in minor units
    const platform = await h.stripe.balance.retrieve();
    const connected = await h.stripe.balance.retrieve({}, { stripeAccount: acct.id });
    // Funds are pending for two days; the platform keeps fee minus Stripe's fee.
    expect(pending(platform)).toBe(1_000 - stripeFee);
    expect(pending(connected)).toBe(9_000);
    expect(available(connected)).toBe(0);
    await h.emulator.control.advanceClock(2 * 24 * 3600 + 1);
    const connectedLater = await h.stripe.balance.retrieve({}, { stripeAccount: acct.id });
    expect(available(connectedLater)).toBe(9_000);

    await waitFor(
      () => platformHook.ofType('checkout.session.completed').some((e) => (e.data.object as Stripe.Checkout.Session).id === session.id),
      3000,
      'checkout.session.completed',
    );
    for (const type of ['payment_intent.succeeded', 'charge.succeeded', 'transfer.created', 'application_fee.created']) {
      expect(platformHook.ofType(type).length).toBeGreaterThan(0);
    }
    const completed = platformHook
      .ofType('checkout.session.completed')
      .find((e) => (e.data.object as Stripe.Checkout.Session).id === session.id)!;
    expect(completed.account).toBeUndefined();
    expect((completed.data.object as Stripe.Checkout.Session).client_reference_id).toBe('order_42');
  });

  it('refunds a destination charge with reverse_transfer and refund_application_fee, moving money back on both sides', async () => {
    const acct = await onboardedAccount(h);
    const pi = await h.stripe.paymentIntents.create({
      amount: 20_000,
      currency: 'usd',
      payment_method: 'pm_card_bypassPending',
      confirm: true,
      application_fee_amount: 2_000,
      transfer_data: { destination: acct.id },
    });
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    const before = total(await h.stripe.balance.retrieve({}, { stripeAccount: acct.id }));
    expect(before).toBe(18_000);
    const platformBefore = total(await h.stripe.balance.retrieve());

    const refund = await h.stripe.refunds.create(
      { charge: charge.id, amount: 5_000, reverse_transfer: true, refund_application_fee: true },
      { idempotencyKey: `refund:${charge.id}:1` },
    );
    expect(refund).toMatchObject({ amount: 5_000, status: 'succeeded', charge: charge.id });
    const reversal = await h.stripe.transfers.retrieveReversal(charge.transfer as string, refund.transfer_reversal as string);
    expect(reversal).toMatchObject({ amount: 5_000, source_refund: refund.id });
    const fee = await h.stripe.applicationFees.retrieve(charge.application_fee as string);
    expect(fee).toMatchObject({ amount_refunded: 500, refunded: false });
    const transfer = await h.stripe.transfers.retrieve(charge.transfer as string);
    expect(transfer).toMatchObject({ amount_reversed: 5_000, reversed: false });
    const afterCharge = await h.stripe.charges.retrieve(charge.id);
    expect(afterCharge).toMatchObject({ amount_refunded: 5_000, refunded: false });

    // Connected: -5000 reversal, +500 fee refund. Platform: -5000 refund, +5000 reversal, -500 fee refund.
    expect(total(await h.stripe.balance.retrieve({}, { stripeAccount: acct.id }))).toBe(18_000 - 5_000 + 500);
    expect(total(await h.stripe.balance.retrieve())).toBe(platformBefore - 500);

    const tooMuch = (await h.stripe.refunds
      .create({ charge: charge.id, amount: 20_000 })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(tooMuch.statusCode).toBe(400);
    await waitFor(
      () => platformHook.ofType('transfer.reversed').length > 0 && platformHook.ofType('charge.refunded').length > 0,
      3000,
      'refund events',
    );
  });

  it('escrow: a transfer with source_transaction works before funds are available; without it, balance_insufficient', async () => {
    const acct = await onboardedAccount(h);
    const pi = await h.stripe.paymentIntents.create({
      amount: 50_000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      transfer_group: 'milestone_m9',
    });
    const chargeId = pi.latest_charge as string;
    const noSource = (await h.stripe.transfers
      .create({ amount: 1_000_000, currency: 'usd', destination: acct.id })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(noSource.statusCode).toBe(400);
    expect(noSource.code).toBe('balance_insufficient');
    const tr = await h.stripe.transfers.create(
      { amount: 45_000, currency: 'usd', destination: acct.id, source_transaction: chargeId, transfer_group: 'milestone_m9' },
      { idempotencyKey: 'release:m9' },
    );
    expect(tr).toMatchObject({ amount: 45_000, source_transaction: chargeId });
    const over = (await h.stripe.transfers
      .create({ amount: 6_000, currency: 'usd', destination: acct.id, source_transaction: chargeId })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(over.statusCode).toBe(400);
    const listed = await h.stripe.transfers.list({ transfer_group: 'milestone_m9' });
    expect(listed.data.map((t) => t.id)).toEqual([tr.id]);
    // Refund after release: reverse the transfer, then refund.
    const rev = await h.stripe.transfers.createReversal(tr.id, { amount: 45_000 });
    expect(rev.amount).toBe(45_000);
    const refund = await h.stripe.refunds.create({ payment_intent: pi.id });
    expect(refund.amount).toBe(50_000);
    expect(total(await h.stripe.balance.retrieve({}, { stripeAccount: acct.id }))).toBe(0);
    const unverified = await h.stripe.accounts.create({ type: 'express', capabilities: { transfers: { requested: true } } });
    const noCap = (await h.stripe.transfers
      .create({ amount: 100, currency: 'usd', destination: unverified.id, source_transaction: chargeId })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(noCap.code).toBe('insufficient_capabilities_for_transfer');
  });

  it('declines with Stripe test cards and reports them on the PaymentIntent and in events', async () => {
    for (const [pm, code, decline] of [
      ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
      ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
      ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
    ] as const) {
      const err = (await h.stripe.paymentIntents
        .create({ amount: 1_500, currency: 'usd', payment_method: pm, confirm: true })
        .catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
      expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
      expect(err.code).toBe(code);
      expect(err.decline_code).toBe(decline);
      const pi = await h.stripe.paymentIntents.retrieve((err.payment_intent as Stripe.PaymentIntent).id);
      expect(pi.status).toBe('requires_payment_method');
      expect(pi.last_payment_error?.decline_code).toBe(decline);
    }
    // A Checkout decline leaves the session open; the customer may retry and succeed.
    const acct = await onboardedAccount(h);
    const session = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://x.example/ok',
      line_items: [{ quantity: 2, price_data: { currency: 'usd', unit_amount: 2_500, product_data: { name: 'Hours' } } }],
      payment_intent_data: { transfer_data: { destination: acct.id }, application_fee_amount: 500 },
    });
    const declined = await h.emulator.control.completeCheckout(session.id, { outcome: 'decline' });
    expect(declined.error?.code).toBe('card_declined');
    expect((await h.stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
    const ok = await h.emulator.control.completeCheckout(session.id, { outcome: 'success' });
    expect(ok.session.payment_status).toBe('paid');
    const pi = await h.stripe.paymentIntents.retrieve(ok.session.payment_intent as string);
    expect(pi.status).toBe('succeeded');
    await waitFor(
      () => platformHook.ofType('payment_intent.payment_failed').length >= 4 && platformHook.ofType('charge.failed').length >= 4,
      3000,
      'failure events',
    );
  });

  it('async Checkout payments: completed unpaid, then async_payment_succeeded or async_payment_failed', async () => {
    const make = () =>
      h.stripe.checkout.sessions.create({
        mode: 'payment',
        success_url: 'https://x.example/ok',
        allowed_payment_method_types: ['card', 'us_bank_account'],
        line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 7_000, product_data: { name: 'ACH' } } }],
      });
    const good = await make();
    const r1 = await h.emulator.control.completeCheckout(good.id, { outcome: 'async_success', settle_after_seconds: 3 * 24 * 3600 });
    expect(r1.session).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    expect((await h.stripe.paymentIntents.retrieve(r1.session.payment_intent as string)).status).toBe('processing');
    await h.emulator.control.advanceClock(3 * 24 * 3600);
    expect((await h.stripe.checkout.sessions.retrieve(good.id)).payment_status).toBe('paid');
    const bad = await make();
    const r2 = await h.emulator.control.completeCheckout(bad.id, { outcome: 'async_failure' });
    expect(r2.session.status).toBe('complete');
    expect((await h.stripe.paymentIntents.retrieve(r2.session.payment_intent as string)).status).toBe('requires_payment_method');
    await waitFor(
      () =>
        platformHook
          .ofType('checkout.session.async_payment_succeeded')
          .some((e) => (e.data.object as Stripe.Checkout.Session).id === good.id),
      3000,
      'async succeeded',
    );
    await waitFor(
      () =>
        platformHook.ofType('checkout.session.async_payment_failed').some((e) => (e.data.object as Stripe.Checkout.Session).id === bad.id),
      3000,
      'async failed',
    );
    // An abandoned session expires after 24 h.
    const abandoned = await make();
    await h.emulator.control.advanceClock(24 * 3600 + 1);
    expect((await h.stripe.checkout.sessions.retrieve(abandoned.id)).status).toBe('expired');
    await waitFor(
      () => platformHook.ofType('checkout.session.expired').some((e) => (e.data.object as Stripe.Checkout.Session).id === abandoned.id),
      3000,
      'expired',
    );
  });

  it('disputes withdraw funds and the dispute fee; winning reinstates the amount, losing keeps it withdrawn', async () => {
    const acct = await onboardedAccount(h);
    const pay = async () => {
      const pi = await h.stripe.paymentIntents.create({
        amount: 8_000,
        currency: 'usd',
        payment_method: 'pm_card_bypassPending',
        confirm: true,
        application_fee_amount: 800,
        transfer_data: { destination: acct.id },
      });
      return pi.latest_charge as string;
    };
    const c1 = await pay();
    const beforePlatform = total(await h.stripe.balance.retrieve());
    const beforeConnected = total(await h.stripe.balance.retrieve({}, { stripeAccount: acct.id }));
    const dispute = await h.emulator.control.openDispute(c1, { reason: 'fraudulent' });
    expect(dispute).toMatchObject({ status: 'needs_response', amount: 8_000, charge: c1 });
    // Destination charges: the platform is debited, not the connected account.
    expect(total(await h.stripe.balance.retrieve())).toBe(beforePlatform - 8_000 - 1_500);
    expect(total(await h.stripe.balance.retrieve({}, { stripeAccount: acct.id }))).toBe(beforeConnected);
    expect((await h.stripe.charges.retrieve(c1)).disputed).toBe(true);
    const noRefund = (await h.stripe.refunds.create({ charge: c1 }).catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(noRefund.code).toBe('charge_disputed');
    const submitted = await h.stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'Delivered as agreed' } });
    expect(submitted.status).toBe('under_review');
    const won = await h.emulator.control.closeDispute(dispute.id, 'won');
    expect(won.status).toBe('won');
    expect(total(await h.stripe.balance.retrieve())).toBe(beforePlatform - 1_500);

    const c2 = await pay();
    const d2 = await h.emulator.control.openDispute(c2);
    const lost = await h.stripe.disputes.close(d2.id);
    expect(lost.status).toBe('lost');

    // A test card that disputes by itself, and an inquiry that moves no money.
    const auto = await h.stripe.paymentIntents.create({
      amount: 3_000,
      currency: 'usd',
      payment_method: 'pm_card_createDispute',
      confirm: true,
    });
    expect((await h.stripe.disputes.list({ charge: auto.latest_charge as string })).data[0].status).toBe('needs_response');
    const inquiryPi = await h.stripe.paymentIntents.create({
      amount: 3_000,
      currency: 'usd',
      payment_method: 'pm_card_createDisputeInquiry',
      confirm: true,
    });
    const inquiry = (await h.stripe.disputes.list({ charge: inquiryPi.latest_charge as string })).data[0];
    expect(inquiry).toMatchObject({ status: 'warning_needs_response', is_charge_refundable: true, balance_transactions: [] });
    for (const type of [
      'charge.dispute.created',
      'charge.dispute.funds_withdrawn',
      'charge.dispute.funds_reinstated',
      'charge.dispute.closed',
    ]) {
      await waitFor(() => platformHook.ofType(type).length > 0, 3000, type);
    }
  });

  it('connected-account payouts: paid on arrival or failed by control, with events carrying account', async () => {
    const acct = await onboardedAccount(h);
    await h.stripe.paymentIntents.create({
      amount: 10_000,
      currency: 'usd',
      payment_method: 'pm_card_bypassPending',
      confirm: true,
      transfer_data: { destination: acct.id },
    });
    const tooMuch = (await h.stripe.payouts
      .create({ amount: 1_000_000, currency: 'usd' }, { stripeAccount: acct.id })
      .catch((e: unknown) => e)) as Stripe.errors.StripeError;
    expect(tooMuch.code).toBe('balance_insufficient');
    const p1 = await h.stripe.payouts.create({ amount: 4_000, currency: 'usd' }, { stripeAccount: acct.id });
    const p2 = await h.stripe.payouts.create({ amount: 3_000, currency: 'usd' }, { stripeAccount: acct.id });
    expect(available(await h.stripe.balance.retrieve({}, { stripeAccount: acct.id }))).toBe(3_000);
    await h.emulator.control.failPayout(p2.id);
    expect(available(await h.stripe.balance.retrieve({}, { stripeAccount: acct.id }))).toBe(6_000);
    await h.emulator.control.advanceClock(2 * 24 * 3600);
    expect((await h.stripe.payouts.retrieve(p1.id, {}, { stripeAccount: acct.id })).status).toBe('paid');
    const paid = await waitFor(
      () => connectHook.ofType('payout.paid').find((e) => (e.data.object as Stripe.Payout).id === p1.id),
      3000,
      'payout.paid',
    );
    expect(paid!.account).toBe(acct.id);
    const failed = await waitFor(
      () => connectHook.ofType('payout.failed').find((e) => (e.data.object as Stripe.Payout).id === p2.id),
      3000,
      'payout.failed',
    );
    expect(failed!.account).toBe(acct.id);
    const events = await h.stripe.events.list({ type: 'payout.*' }, { stripeAccount: acct.id });
    expect(events.data.map((e) => e.type)).toEqual(expect.arrayContaining(['payout.created', 'payout.paid', 'payout.failed']));
  });

  it('a paid payout can still fail (returned by the bank); a failed one is final', async () => {
    const acct = await onboardedAccount(h);
    await h.emulator.control.topUp(5_000, 'usd', acct.id);
    const po = await h.stripe.payouts.create({ amount: 5_000, currency: 'usd' }, { stripeAccount: acct.id });
    expect((await h.emulator.control.payPayout(po.id)).status).toBe('paid');
    expect(available(await h.stripe.balance.retrieve({}, { stripeAccount: acct.id }))).toBe(0);
    const failed = await h.emulator.control.failPayout(po.id, 'account_closed');
    expect(failed).toMatchObject({ status: 'failed', failure_code: 'account_closed' });
    expect(failed.failure_balance_transaction).toEqual(expect.stringMatching(/^txn_/));
    expect(available(await h.stripe.balance.retrieve({}, { stripeAccount: acct.id }))).toBe(5_000);
    await expect(h.emulator.control.payPayout(po.id)).rejects.toThrow(/already failed/);
    await expect(h.emulator.control.failPayout(po.id)).rejects.toThrow(/already failed/);
    await waitFor(
      () => connectHook.ofType('payout.failed').find((e) => (e.data.object as Stripe.Payout).id === po.id),
      3000,
      'payout.failed after paid',
    );
  });

  it('every delivered webhook verifies with stripe.webhooks.constructEvent', async () => {
    await h.emulator.control.drainWebhooks();
    const all = [...platformHook.received, ...connectHook.received];
    expect(all.length).toBeGreaterThan(40);
    expect(all.filter((r) => !r.verified)).toEqual([]);
    for (const r of all) expect(r.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });
});
