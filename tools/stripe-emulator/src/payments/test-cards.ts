/**
 * Stripe's test payment methods (`pm_card_*` / `tok_*`) and what paying with them does.
 * https://docs.stripe.com/testing
 */
export interface Decline {
  code: string;
  declineCode?: string;
  message: string;
}

export interface TestCard {
  key: string;
  type: 'card' | 'us_bank_account';
  brand: string;
  last4: string;
  funding: 'credit' | 'debit';
  country: string;
  /** A charge with this card fails with this decline. */
  decline?: Decline;
  /** The charge succeeds, then a dispute is opened right away. */
  dispute?: { reason: string; inquiry: boolean };
  /** Funds are available at once instead of after the availability delay. */
  bypassPending?: boolean;
  /**
   * 3D Secure is required on every payment, even after the card was set up (4000 0027 6000 3184):
   * on-session the PaymentIntent goes to `requires_action`; off-session the payment fails with
   * `authentication_required`. Setup (Checkout in setup mode) authenticates and succeeds.
   */
  requiresAuthentication?: boolean;
}

const card = (key: string, brand: string, last4: string, extra: Partial<TestCard> = {}): TestCard => ({
  key,
  type: 'card',
  brand,
  last4,
  funding: 'credit',
  country: 'US',
  ...extra,
});

const GENERIC: Decline = { code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' };

export const TEST_CARDS: Record<string, TestCard> = {
  visa: card('visa', 'visa', '4242'),
  visa_debit: card('visa_debit', 'visa', '5556', { funding: 'debit' }),
  mastercard: card('mastercard', 'mastercard', '4444'),
  amex: card('amex', 'amex', '8431'),
  bypassPending: card('bypassPending', 'visa', '0077', { bypassPending: true }),
  chargeDeclined: card('chargeDeclined', 'visa', '0002', { decline: GENERIC }),
  chargeDeclinedInsufficientFunds: card('chargeDeclinedInsufficientFunds', 'visa', '9995', {
    decline: { code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  }),
  chargeDeclinedLostCard: card('chargeDeclinedLostCard', 'visa', '9987', {
    decline: { code: 'card_declined', declineCode: 'lost_card', message: 'Your card was declined.' },
  }),
  chargeDeclinedStolenCard: card('chargeDeclinedStolenCard', 'visa', '9979', {
    decline: { code: 'card_declined', declineCode: 'stolen_card', message: 'Your card was declined.' },
  }),
  chargeDeclinedExpiredCard: card('chargeDeclinedExpiredCard', 'visa', '0069', {
    decline: { code: 'expired_card', declineCode: 'expired_card', message: 'Your card has expired.' },
  }),
  chargeDeclinedIncorrectCvc: card('chargeDeclinedIncorrectCvc', 'visa', '0127', {
    decline: { code: 'incorrect_cvc', declineCode: 'incorrect_cvc', message: "Your card's security code is incorrect." },
  }),
  chargeDeclinedProcessingError: card('chargeDeclinedProcessingError', 'visa', '0119', {
    decline: {
      code: 'processing_error',
      declineCode: 'processing_error',
      message: 'An error occurred while processing your card. Try again in a little bit.',
    },
  }),
  chargeDeclinedFraudulent: card('chargeDeclinedFraudulent', 'visa', '0019', {
    decline: { code: 'card_declined', declineCode: 'fraudulent', message: 'Your card was declined.' },
  }),
  authenticationRequired: card('authenticationRequired', 'visa', '3184', { requiresAuthentication: true }),
  /** Attaching to a customer works; every charge fails (used for renewal failures). */
  chargeCustomerFail: card('chargeCustomerFail', 'visa', '0341', { decline: GENERIC }),
  createDispute: card('createDispute', 'visa', '0259', { dispute: { reason: 'fraudulent', inquiry: false } }),
  createDisputeProductNotReceived: card('createDisputeProductNotReceived', 'visa', '2685', {
    dispute: { reason: 'product_not_received', inquiry: false },
  }),
  createDisputeInquiry: card('createDisputeInquiry', 'visa', '1976', { dispute: { reason: 'general', inquiry: true } }),
  /** A delayed-notification method (ACH): payments go through `processing` first. */
  usBankAccount: {
    key: 'usBankAccount',
    type: 'us_bank_account',
    brand: 'STRIPE TEST BANK',
    last4: '6789',
    funding: 'debit',
    country: 'US',
  },
};

/** Resolves a magic reference (`pm_card_visa`, `tok_chargeDeclined`, `pm_usBankAccount`). */
/** Off-session payments with a card that needs 3D Secure fail with this (Stripe's soft decline). */
export const AUTHENTICATION_REQUIRED: Decline = {
  code: 'authentication_required',
  declineCode: 'authentication_required',
  message: 'Your card was declined. This transaction requires authentication.',
};

export function testCardFor(ref: string): TestCard | undefined {
  const m = /^(?:pm_card_|tok_|pm_)(.+)$/.exec(ref);
  if (!m) return undefined;
  const name = m[1];
  return TEST_CARDS[name] ?? TEST_CARDS[name.charAt(0).toLowerCase() + name.slice(1)];
}
