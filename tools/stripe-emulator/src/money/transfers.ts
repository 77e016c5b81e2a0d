import type Stripe from 'stripe';
import type { Core } from '../core';
import { invalidRequest, noSuch } from '../http/errors';
import { listOf } from '../http/list';
import { newId } from '../ids';

export const PLATFORM_APPLICATION = 'ca_emulatorPlatformApplication';

/** Stripe refuses transfers to accounts without an active `transfers` capability. */
export function assertTransferDestination(core: Core, destination: string, param = 'destination'): Stripe.Account {
  const acct = core.state.accounts.find(destination, core.platformId);
  if (!acct || acct.id === core.platformId) throw noSuch('destination', destination, param);
  if (acct.capabilities?.transfers !== 'active') {
    throw invalidRequest(
      'Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments',
      { code: 'insufficient_capabilities_for_transfer', param },
    );
  }
  return acct;
}

/**
 * The `py_...` payment a transfer creates on the connected account: a Charge object
 * living in that account (`stripe.charges.retrieve(py, { stripeAccount })`).
 */
function destinationPayment(
  core: Core,
  destination: string,
  amount: number,
  currency: string,
  availableOn: number,
  transferId: string,
  appFee: number,
): { payment: Stripe.Charge; bt: Stripe.BalanceTransaction } {
  const id = newId('py');
  const bt = core.ledger.post({
    owner: destination,
    amount,
    currency,
    type: 'payment',
    reportingCategory: 'charge',
    source: id,
    availableOn,
    feeDetails:
      appFee > 0
        ? [{ amount: appFee, application: PLATFORM_APPLICATION, currency, description: 'Application fee', type: 'application_fee' }]
        : [],
  });
  const payment: Stripe.Charge = {
    id,
    object: 'charge',
    amount,
    amount_captured: amount,
    amount_refunded: 0,
    application: PLATFORM_APPLICATION,
    application_fee: null,
    application_fee_amount: appFee > 0 ? appFee : null,
    balance_transaction: bt.id,
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: null,
    captured: true,
    created: core.now(),
    currency,
    customer: null,
    description: null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: null,
    paid: true,
    payment_intent: null,
    payment_method: null,
    payment_method_details: { type: 'stripe_account', stripe_account: {} },
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: transferId,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: null,
  };
  core.state.charges.insert(destination, payment);
  return { payment, bt };
}

export interface TransferInput {
  amount: number;
  currency: string;
  destination: string;
  sourceTransaction: Stripe.Charge | null;
  transferGroup: string | null;
  description?: string | null;
  metadata?: Record<string, string>;
  /** Funds-availability date (a transfer funded by a pending charge is pending too). */
  availableOn: number;
  /** Application fee withheld on the connected side (destination charges). */
  applicationFee?: number;
}

/** Moves funds from the platform to a connected account: a transfer, its BT and the `py_` payment. */
export function createTransfer(core: Core, t: TransferInput): Stripe.Transfer {
  const id = newId('tr');
  const bt = core.ledger.post({
    owner: core.platformId,
    amount: -t.amount,
    currency: t.currency,
    type: 'transfer',
    reportingCategory: 'transfer',
    source: id,
    availableOn: t.availableOn,
  });
  const { payment } = destinationPayment(core, t.destination, t.amount, t.currency, t.availableOn, id, t.applicationFee ?? 0);
  const transfer: Stripe.Transfer = {
    id,
    object: 'transfer',
    amount: t.amount,
    amount_reversed: 0,
    balance_transaction: bt.id,
    created: core.now(),
    currency: t.currency,
    description: t.description ?? null,
    destination: t.destination,
    destination_payment: payment.id,
    livemode: false,
    metadata: t.metadata ?? {},
    reversals: listOf<Stripe.TransferReversal>([], `/v1/transfers/${id}/reversals`),
    reversed: false,
    source_transaction: t.sourceTransaction?.id ?? null,
    source_type: 'card',
    transfer_group: t.transferGroup,
  };
  core.state.transfers.insert(core.platformId, transfer);
  core.events.publish('transfer.created', core.platformId, transfer);
  return transfer;
}

/** Amount already transferred out of a charge through `source_transaction` or as a destination charge. */
export function transferredFrom(core: Core, chargeId: string): number {
  return core.state.transfers
    .all(core.platformId)
    .filter((t) => t.source_transaction === chargeId)
    .reduce((sum, t) => sum + t.amount - t.amount_reversed, 0);
}

/**
 * Pulls funds back from the connected account: a reversal, the platform's credit and a
 * refund of the `py_` payment on the connected side. Emits `transfer.reversed`.
 */
export function reverseTransfer(
  core: Core,
  transfer: Stripe.Transfer,
  amount: number,
  opts: { sourceRefund?: string | null; metadata?: Record<string, string>; description?: string | null } = {},
): Stripe.TransferReversal {
  const remaining = transfer.amount - transfer.amount_reversed;
  if (amount <= 0 || amount > remaining) {
    throw invalidRequest(`Transfer reversal amount (${amount}) must be between 1 and the unreversed amount (${remaining}).`, {
      param: 'amount',
    });
  }
  const destination = transfer.destination as string;
  const id = newId('trr');
  const pyId = transfer.destination_payment as string;
  const py = core.state.charges.find(pyId, destination);
  const pyRefundId = newId('pyr');
  core.ledger.post({
    owner: destination,
    amount: -amount,
    currency: transfer.currency,
    type: 'payment_refund',
    reportingCategory: 'refund',
    source: pyRefundId,
  });
  if (py) {
    py.amount_refunded += amount;
    py.refunded = py.amount_refunded >= py.amount;
  }
  const bt = core.ledger.post({
    owner: core.platformId,
    amount,
    currency: transfer.currency,
    type: 'transfer_refund',
    reportingCategory: 'transfer_reversal',
    source: id,
  });
  const reversal: Stripe.TransferReversal = {
    id,
    object: 'transfer_reversal',
    amount,
    balance_transaction: bt.id,
    created: core.now(),
    currency: transfer.currency,
    destination_payment_refund: pyRefundId,
    metadata: opts.metadata ?? {},
    source_refund: opts.sourceRefund ?? null,
    transfer: transfer.id,
  };
  core.state.transferReversals.insert(core.platformId, reversal);
  transfer.amount_reversed += amount;
  transfer.reversed = transfer.amount_reversed >= transfer.amount;
  transfer.reversals.data.unshift(reversal);
  core.events.publish('transfer.reversed', core.platformId, transfer, {
    amount_reversed: transfer.amount_reversed - amount,
    reversed: false,
  });
  return reversal;
}
