import type Stripe from 'stripe';
import type { Core } from '../core';
import { invalidRequest, StripeApiError } from '../http/errors';
import { listOf } from '../http/list';
import { newId, randomBase62 } from '../ids';
import { processingFee } from '../money/fees';
import { assertTransferDestination, createTransfer, PLATFORM_APPLICATION } from '../money/transfers';
import { openDispute } from '../money/disputes';
import { cardOf, resolvePaymentMethod } from '../resources/payment-methods';
import { AUTHENTICATION_REQUIRED, type Decline, type TestCard } from './test-cards';

export interface PaymentIntentInput {
  owner: string;
  amount: number;
  currency: string;
  customer?: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  applicationFeeAmount?: number | null;
  transferData?: { destination: string; amount?: number } | null;
  transferGroup?: string | null;
  onBehalfOf?: string | null;
  /** `allowed_payment_method_types` (stripe@23 replaced `payment_method_types` in create params). */
  allowedPaymentMethodTypes?: string[] | null;
  receiptEmail?: string | null;
  statementDescriptor?: string | null;
  paymentMethod?: string | null;
}

/** Validates Connect money parameters the way Stripe does before creating anything. */
function validateConnect(core: Core, input: PaymentIntentInput): void {
  if (!Number.isSafeInteger(input.amount) || input.amount < 50) {
    throw invalidRequest('Amount must be at least $0.50 usd', { code: 'amount_too_small', param: 'amount' });
  }
  if (input.applicationFeeAmount != null) {
    if (input.applicationFeeAmount < 0 || input.applicationFeeAmount > input.amount) {
      throw invalidRequest('The application fee amount must be between 0 and the payment amount.', { param: 'application_fee_amount' });
    }
    if (core.isPlatform(input.owner) && !input.transferData) {
      throw invalidRequest(
        'Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment (using an OAuth key or Stripe-Account header) or destination payment (using `transfer_data[destination]`).',
        { param: 'application_fee_amount' },
      );
    }
  }
  if (input.transferData) {
    if (!core.isPlatform(input.owner))
      throw invalidRequest('transfer_data cannot be used on a connected account.', { param: 'transfer_data' });
    assertTransferDestination(core, input.transferData.destination, 'transfer_data[destination]');
    if (input.transferData.amount !== undefined) {
      if (input.applicationFeeAmount != null)
        throw invalidRequest('You cannot set both `application_fee_amount` and `transfer_data[amount]`.', {
          param: 'transfer_data[amount]',
        });
      if (input.transferData.amount < 0 || input.transferData.amount > input.amount) {
        throw invalidRequest('transfer_data[amount] must be between 0 and the payment amount.', { param: 'transfer_data[amount]' });
      }
    }
  }
}

export function createPaymentIntent(core: Core, input: PaymentIntentInput): Stripe.PaymentIntent {
  validateConnect(core, input);
  const id = newId('pi');
  const pi: Stripe.PaymentIntent = {
    id,
    object: 'payment_intent',
    allowed_payment_method_types:
      (input.allowedPaymentMethodTypes as Stripe.PaymentIntent.AllowedPaymentMethodType[] | null | undefined) ?? null,
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: input.applicationFeeAmount ?? null,
    automatic_payment_methods: input.allowedPaymentMethodTypes ? null : { enabled: true },
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: `${id}_secret_${randomBase62(25)}`,
    confirmation_method: 'automatic',
    created: core.now(),
    currency: input.currency.toLowerCase(),
    customer: input.customer ?? null,
    customer_account: null,
    description: input.description ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata ?? {},
    next_action: null,
    on_behalf_of: input.onBehalfOf ?? null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: input.allowedPaymentMethodTypes ?? ['card'],
    payment_record: null,
    processing: null,
    receipt_email: input.receiptEmail ?? null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: input.statementDescriptor ?? null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: input.transferData
      ? {
          destination: input.transferData.destination,
          ...(input.transferData.amount !== undefined ? { amount: input.transferData.amount } : {}),
        }
      : null,
    transfer_group: input.transferGroup ?? null,
  };
  core.state.paymentIntents.insert(input.owner, pi);
  core.events.publish('payment_intent.created', input.owner, pi);
  return pi;
}

function cardDetails(card: TestCard, pm: Stripe.PaymentMethod, amount: number): Stripe.Charge.PaymentMethodDetails {
  if (card.type === 'us_bank_account') {
    return {
      type: 'us_bank_account',
      us_bank_account: {
        account_holder_type: 'individual',
        account_type: 'checking',
        bank_name: card.brand,
        fingerprint: pm.us_bank_account?.fingerprint ?? null,
        last4: card.last4,
        payment_reference: null,
        routing_number: '110000000',
      },
    };
  }
  return {
    type: 'card',
    card: {
      amount_authorized: amount,
      authorization_code: randomBase62(6).toUpperCase(),
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: card.country,
      electronic_commerce_indicator: null,
      exp_month: pm.card?.exp_month ?? 12,
      exp_year: pm.card?.exp_year ?? 2030,
      extended_authorization: { status: 'disabled' },
      fingerprint: pm.card?.fingerprint ?? null,
      funding: card.funding,
      incremental_authorization: { status: 'unavailable' },
      installments: null,
      last4: card.last4,
      mandate: null,
      multicapture: { status: 'unavailable' },
      network: card.brand,
      network_token: { used: false },
      network_transaction_id: randomBase62(15),
      overcapture: { maximum_amount_capturable: amount, status: 'unavailable' },
      regulated_status: 'unregulated',
      three_d_secure: null,
      transaction_link_id: null,
      wallet: null,
    },
  };
}

function buildCharge(core: Core, owner: string, pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, card: TestCard): Stripe.Charge {
  const id = newId('ch');
  return {
    id,
    object: 'charge',
    amount: pi.amount,
    amount_captured: 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: pi.application_fee_amount,
    balance_transaction: null,
    billing_details: { ...pm.billing_details },
    calculated_statement_descriptor: 'FPMS EMULATOR',
    captured: false,
    created: core.now(),
    currency: pi.currency,
    customer: typeof pi.customer === 'string' ? pi.customer : null,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: typeof pi.on_behalf_of === 'string' ? pi.on_behalf_of : null,
    outcome: null,
    paid: false,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: cardDetails(card, pm, pi.amount),
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: `${core.baseUrl}/_emulator/receipts/${id}`,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: pi.statement_descriptor,
    statement_descriptor_suffix: null,
    status: 'pending',
    transfer_data: pi.transfer_data
      ? { amount: pi.transfer_data.amount ?? null, destination: pi.transfer_data.destination as string }
      : null,
    transfer_group: pi.transfer_group,
  };
}

export type ConfirmResult =
  | { status: 'succeeded' | 'processing'; charge: Stripe.Charge }
  | { status: 'requires_action'; charge: null }
  | { status: 'declined'; charge: Stripe.Charge; error: StripeApiError };

export interface ConfirmOptions {
  /** `off_session: true`: the customer is not present, so 3D Secure cannot happen and fails the payment. */
  offSession?: boolean;
  /** The customer authenticated in the flow (hosted Checkout), so 3D Secure is satisfied. */
  authenticated?: boolean;
}

/**
 * Confirms a PaymentIntent with a payment method: declines per Stripe's test cards,
 * delayed methods go to `processing`, everything else succeeds with its money
 * movements (charge, destination transfer, application fee) and events.
 */
export function confirmPaymentIntent(
  core: Core,
  owner: string,
  pi: Stripe.PaymentIntent,
  pmRef: string,
  forceDecline?: Decline,
  options: ConfirmOptions = {},
): ConfirmResult {
  if (pi.status !== 'requires_payment_method' && pi.status !== 'requires_confirmation') {
    throw invalidRequest(
      `This PaymentIntent's status is ${pi.status}, but it must be requires_payment_method or requires_confirmation to be confirmed.`,
      {
        code: 'payment_intent_unexpected_state',
      },
    );
  }
  const pm = resolvePaymentMethod(core, owner, pmRef);
  if (pm.customer && pi.customer && pm.customer !== pi.customer) {
    throw invalidRequest('The provided PaymentMethod was previously attached to a different Customer.', {
      code: 'payment_method_unexpected_state',
      param: 'payment_method',
    });
  }
  let card = forceDecline ? { ...cardOf(core, pm.id), decline: forceDecline } : cardOf(core, pm.id);
  pi.payment_method = pm.id;
  pi.payment_method_types = [card.type];
  if (card.requiresAuthentication && !card.decline && !options.authenticated) {
    if (!options.offSession) {
      // On-session: the customer must complete 3D Secure; no charge is attempted yet.
      pi.status = 'requires_action';
      pi.next_action = { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: '' } };
      core.events.publish('payment_intent.requires_action', owner, pi);
      return { status: 'requires_action', charge: null };
    }
    // Off-session: Stripe declines with `authentication_required`, the PaymentIntent back to requires_payment_method.
    card = { ...card, decline: AUTHENTICATION_REQUIRED };
  }
  const charge = buildCharge(core, owner, pi, pm, card);
  core.state.charges.insert(owner, charge);
  pi.latest_charge = charge.id;

  if (card.decline) {
    charge.status = 'failed';
    charge.failure_code = card.decline.code;
    charge.failure_message = card.decline.message;
    charge.outcome = {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'declined_by_network',
      reason: card.decline.declineCode ?? null,
      risk_level: 'normal',
      seller_message: 'The bank did not return any further details with this decline.',
      type: 'issuer_declined',
    };
    pi.status = 'requires_payment_method';
    pi.last_payment_error = {
      charge: charge.id,
      code: card.decline.code as Stripe.PaymentIntent.LastPaymentError.Code,
      decline_code: card.decline.declineCode,
      doc_url: `https://stripe.com/docs/error-codes/${card.decline.code.replace(/_/g, '-')}`,
      message: card.decline.message,
      payment_method: JSON.parse(JSON.stringify(pm)) as Stripe.PaymentMethod,
      type: 'card_error',
    };
    core.events.publish('charge.failed', owner, charge);
    core.events.publish('payment_intent.payment_failed', owner, pi);
    const error = new StripeApiError(
      402,
      {
        type: 'card_error',
        code: card.decline.code,
        decline_code: card.decline.declineCode,
        message: card.decline.message,
        charge: charge.id,
        payment_intent: JSON.parse(JSON.stringify(pi)),
        payment_method: JSON.parse(JSON.stringify(pm)),
      },
      true,
    );
    return { status: 'declined', charge, error };
  }

  if (card.type === 'us_bank_account') {
    pi.status = 'processing';
    pi.processing = null;
    core.events.publish('charge.pending', owner, charge);
    core.events.publish('payment_intent.processing', owner, pi);
    return { status: 'processing', charge };
  }

  succeedCharge(core, owner, pi, charge, card);
  return { status: 'succeeded', charge };
}

/** Settles a `processing` (delayed method) payment: success moves money, failure declines. */
export function settleProcessingPayment(core: Core, owner: string, pi: Stripe.PaymentIntent, success: boolean): Stripe.Charge {
  const charge = core.state.charges.get(pi.latest_charge as string, owner);
  if (pi.status !== 'processing' || charge.status !== 'pending') throw invalidRequest(`PaymentIntent ${pi.id} is not processing.`);
  if (success) {
    succeedCharge(core, owner, pi, charge, cardOf(core, charge.payment_method as string));
  } else {
    charge.status = 'failed';
    charge.failure_code = 'insufficient_funds';
    charge.failure_message = "The customer's account has insufficient funds to cover this payment.";
    charge.outcome = {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: 'declined_by_network',
      reason: null,
      seller_message: 'The bank returned the payment: insufficient funds.',
      type: 'issuer_declined',
    };
    pi.status = 'requires_payment_method';
    pi.last_payment_error = {
      charge: charge.id,
      code: 'payment_method_provider_decline',
      message: charge.failure_message,
      type: 'card_error',
      payment_method_type: 'us_bank_account',
    };
    core.events.publish('charge.failed', owner, charge);
    core.events.publish('payment_intent.payment_failed', owner, pi);
  }
  return charge;
}

function stripeFee(core: Core, card: TestCard, amount: number): number {
  if (card.type === 'us_bank_account') return Math.min(Math.floor((amount * 80 + 5000) / 10_000), 500);
  return processingFee(amount, core.options.feePercentBps, core.options.feeFixed);
}

function succeedCharge(core: Core, owner: string, pi: Stripe.PaymentIntent, charge: Stripe.Charge, card: TestCard): void {
  const now = core.now();
  const availableOn = card.bypassPending ? now : now + core.options.availabilityDelaySeconds;
  const fee = stripeFee(core, card, charge.amount);
  const appFee = pi.application_fee_amount ?? 0;
  const direct = !core.isPlatform(owner);
  const feeDetails: Stripe.BalanceTransaction.FeeDetail[] = [
    { amount: fee, application: null, currency: charge.currency, description: 'Stripe processing fees', type: 'stripe_fee' },
  ];
  if (direct && appFee > 0) {
    feeDetails.push({
      amount: appFee,
      application: PLATFORM_APPLICATION,
      currency: charge.currency,
      description: 'Application fee',
      type: 'application_fee',
    });
  }
  const bt = core.ledger.post({
    owner,
    amount: charge.amount,
    currency: charge.currency,
    type: 'charge',
    reportingCategory: 'charge',
    source: charge.id,
    availableOn,
    feeDetails,
  });
  charge.status = 'succeeded';
  charge.paid = true;
  charge.captured = true;
  charge.amount_captured = charge.amount;
  charge.balance_transaction = bt.id;
  charge.outcome = {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: 'approved_by_network',
    reason: null,
    risk_level: 'normal',
    risk_score: 20,
    seller_message: 'Payment complete.',
    type: 'authorized',
  };
  pi.status = 'succeeded';
  pi.amount_received = charge.amount;
  pi.last_payment_error = null;

  let transfer: Stripe.Transfer | null = null;
  let applicationFee: Stripe.ApplicationFee | null = null;
  if (pi.transfer_data) {
    const destination = pi.transfer_data.destination as string;
    const amount = pi.transfer_data.amount ?? charge.amount;
    transfer = createTransfer(core, {
      amount,
      currency: charge.currency,
      destination,
      sourceTransaction: charge,
      transferGroup: pi.transfer_group ?? `group_${pi.id}`,
      availableOn,
      applicationFee: appFee,
    });
    charge.transfer = transfer.id;
    charge.transfer_group = transfer.transfer_group;
    pi.transfer_group = transfer.transfer_group;
    if (appFee > 0)
      applicationFee = createApplicationFee(core, destination, appFee, charge, transfer.destination_payment as string, availableOn);
  } else if (direct && appFee > 0) {
    applicationFee = createApplicationFee(core, owner, appFee, charge, charge.id, availableOn);
  }
  if (applicationFee) charge.application_fee = applicationFee.id;

  core.events.publish('charge.succeeded', owner, charge);
  core.events.publish('payment_intent.succeeded', owner, pi);
  if (applicationFee) core.events.publish('application_fee.created', core.platformId, applicationFee);
  if (card.dispute) openDispute(core, owner, charge, card.dispute.reason, card.dispute.inquiry);
}

/** The platform's fee: credited to the platform, taken from the connected account's payment. */
function createApplicationFee(
  core: Core,
  account: string,
  amount: number,
  originating: Stripe.Charge,
  chargeOnAccount: string,
  availableOn: number,
): Stripe.ApplicationFee {
  const id = newId('fee');
  const bt = core.ledger.post({
    owner: core.platformId,
    amount,
    currency: originating.currency,
    type: 'application_fee',
    reportingCategory: 'platform_earning',
    source: id,
    availableOn,
  });
  const fee: Stripe.ApplicationFee = {
    id,
    object: 'application_fee',
    account,
    amount,
    amount_refunded: 0,
    application: PLATFORM_APPLICATION,
    balance_transaction: bt.id,
    charge: chargeOnAccount,
    created: core.now(),
    currency: originating.currency,
    fee_source: { charge: chargeOnAccount, type: 'charge' },
    livemode: false,
    originating_transaction: originating.id,
    refunded: false,
    refunds: listOf<Stripe.FeeRefund>([], `/v1/application_fees/${id}/refunds`),
  };
  return core.state.applicationFees.insert(core.platformId, fee);
}
