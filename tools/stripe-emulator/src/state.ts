import type Stripe from 'stripe';
import { Collection, IdIndex } from './store';
import type { TestCard } from './payments/test-cards';
import type { InvoiceLine } from './resources/invoices';

export interface AccountLinkRecord {
  token: string;
  account: string;
  type: string;
  refreshUrl: string;
  returnUrl: string;
  expiresAt: number;
}

/** Checkout parameters that live on the PaymentIntent/Subscription Stripe creates later. */
export interface SessionExtras {
  paymentIntentData: {
    applicationFeeAmount: number | null;
    transferData: { destination: string; amount?: number } | null;
    transferGroup: string | null;
    onBehalfOf: string | null;
    metadata: Record<string, string>;
    description: string | null;
  };
  subscriptionData: {
    metadata: Record<string, string>;
    applicationFeePercent: number | null;
    transferDestination: string | null;
  };
  lineItems: Stripe.LineItem[];
  /** `setup_intent_data` of a setup-mode session: lands on the SetupIntent created at completion. */
  setupIntentData: { metadata: Record<string, string>; description: string | null };
}

export interface SubscriptionControl {
  /** Number of upcoming payment attempts forced to fail (test control). */
  failNext: number;
  cancelTimer?: () => void;
  /** Prorations of mid-period changes waiting for the next invoice (Stripe's pending invoice items). */
  pendingProrations: InvoiceLine[];
}

/** All emulator state, per resource, plus bookkeeping Stripe keeps but does not expose. */
export class State {
  readonly index = new IdIndex();
  readonly accounts = new Collection<Stripe.Account>('account', this.index);
  readonly customers = new Collection<Stripe.Customer>('customer', this.index);
  readonly paymentMethods = new Collection<Stripe.PaymentMethod>('PaymentMethod', this.index);
  readonly products = new Collection<Stripe.Product>('product', this.index);
  readonly prices = new Collection<Stripe.Price>('price', this.index);
  readonly checkoutSessions = new Collection<Stripe.Checkout.Session>('checkout.session', this.index);
  readonly paymentIntents = new Collection<Stripe.PaymentIntent>('payment_intent', this.index);
  readonly setupIntents = new Collection<Stripe.SetupIntent>('setup_intent', this.index);
  readonly charges = new Collection<Stripe.Charge>('charge', this.index);
  readonly refunds = new Collection<Stripe.Refund>('refund', this.index);
  readonly transfers = new Collection<Stripe.Transfer>('transfer', this.index);
  readonly transferReversals = new Collection<Stripe.TransferReversal>('transfer_reversal', this.index);
  readonly applicationFees = new Collection<Stripe.ApplicationFee>('application fee', this.index);
  readonly feeRefunds = new Collection<Stripe.FeeRefund>('fee refund', this.index);
  readonly balanceTransactions = new Collection<Stripe.BalanceTransaction>('balance transaction', this.index);
  readonly payouts = new Collection<Stripe.Payout>('payout', this.index);
  readonly disputes = new Collection<Stripe.Dispute>('dispute', this.index);
  readonly subscriptions = new Collection<Stripe.Subscription>('subscription', this.index);
  readonly invoices = new Collection<Stripe.Invoice>('invoice', this.index);
  readonly subscriptionSchedules = new Collection<Stripe.SubscriptionSchedule>('subscription schedule', this.index);
  readonly invoicePayments = new Collection<Stripe.InvoicePayment>('invoice payment', this.index);
  readonly events = new Collection<Stripe.Event>('event', this.index);
  readonly webhookEndpoints = new Collection<Stripe.WebhookEndpoint>('webhook endpoint', this.index);

  readonly accountLinks = new Map<string, AccountLinkRecord>();
  readonly sessionExtras = new Map<string, SessionExtras>();
  /** Which test card a PaymentMethod id stands for: decides declines, disputes, availability. */
  readonly paymentMethodCards = new Map<string, TestCard>();
  readonly subscriptionControls = new Map<string, SubscriptionControl>();
  readonly webhookSecrets = new Map<string, string>();
  /** `connect: true` endpoints receive connected accounts' events (Stripe does not echo the flag). */
  readonly webhookConnect = new Map<string, boolean>();
  /** Extra API-key-less data on PaymentIntents created by Checkout or invoices. */
  readonly paymentIntentOrigins = new Map<string, { session?: string; invoice?: string }>();
}
