import type Stripe from 'stripe';
import type { Core } from '../core';
import { invalidRequest } from '../http/errors';
import { newId } from '../ids';
import { proportional } from './fees';
import { reverseTransfer } from './transfers';

export interface RefundInput {
  amount?: number;
  reason?: Stripe.Refund.Reason | null;
  metadata?: Record<string, string>;
  reverseTransfer?: boolean;
  refundApplicationFee?: boolean;
}

/** Returns part of an application fee to the connected account. */
export function refundApplicationFee(
  core: Core,
  fee: Stripe.ApplicationFee,
  amount: number,
  metadata: Record<string, string> = {},
): Stripe.FeeRefund {
  const remaining = fee.amount - fee.amount_refunded;
  if (amount <= 0 || amount > remaining)
    throw invalidRequest(`Refund amount (${amount}) is greater than the unrefunded application fee (${remaining}).`, { param: 'amount' });
  const id = newId('fr');
  const bt = core.ledger.post({
    owner: core.platformId,
    amount: -amount,
    currency: fee.currency,
    type: 'application_fee_refund',
    reportingCategory: 'platform_earning_refund',
    source: id,
  });
  core.ledger.post({
    owner: fee.account as string,
    amount,
    currency: fee.currency,
    type: 'application_fee_refund',
    reportingCategory: 'fee',
    source: id,
  });
  const refund: Stripe.FeeRefund = {
    id,
    object: 'fee_refund',
    amount,
    balance_transaction: bt.id,
    created: core.now(),
    currency: fee.currency,
    fee: fee.id,
    metadata,
  };
  core.state.feeRefunds.insert(core.platformId, refund);
  fee.amount_refunded += amount;
  fee.refunded = fee.amount_refunded >= fee.amount;
  fee.refunds.data.unshift(refund);
  core.events.publish('application_fee.refunded', core.platformId, fee);
  return refund;
}

/**
 * Refunds a charge. The charge's account pays the refund; for destination charges
 * `reverse_transfer` pulls the proportional share back from the connected account and
 * `refund_application_fee` gives back the proportional share of the platform's fee.
 */
export function refundCharge(core: Core, owner: string, charge: Stripe.Charge, input: RefundInput): Stripe.Refund {
  if (charge.status !== 'succeeded')
    throw invalidRequest(`Charge ${charge.id} has not succeeded; it cannot be refunded.`, { param: 'charge' });
  const dispute = core.state.disputes.all(owner).find((d) => d.charge === charge.id);
  if (dispute && !dispute.is_charge_refundable) {
    throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, { code: 'charge_disputed', param: 'charge' });
  }
  const unrefunded = charge.amount - charge.amount_refunded;
  if (unrefunded <= 0)
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded', param: 'charge' });
  const amount = input.amount ?? unrefunded;
  if (!Number.isSafeInteger(amount) || amount <= 0)
    throw invalidRequest('Refund amount must be a positive integer.', { param: 'amount', code: 'parameter_invalid_integer' });
  if (amount > unrefunded) {
    throw invalidRequest(`Refund amount (${amount}) is greater than unrefunded amount on charge (${unrefunded})`, {
      param: 'amount',
      code: 'amount_too_large',
    });
  }
  const transfer = typeof charge.transfer === 'string' ? core.state.transfers.find(charge.transfer, core.platformId) : undefined;
  if (input.reverseTransfer && !transfer)
    throw invalidRequest('`reverse_transfer` can only be used on destination charges.', { param: 'reverse_transfer' });
  const fee =
    typeof charge.application_fee === 'string' ? core.state.applicationFees.find(charge.application_fee, core.platformId) : undefined;
  if (input.refundApplicationFee && !fee)
    throw invalidRequest('This charge has no application fee to refund.', { param: 'refund_application_fee' });

  const id = newId('re');
  const bt = core.ledger.post({
    owner,
    amount: -amount,
    currency: charge.currency,
    type: 'refund',
    reportingCategory: 'refund',
    source: id,
  });
  const refund: Stripe.Refund = {
    id,
    object: 'refund',
    amount,
    balance_transaction: bt.id,
    charge: charge.id,
    created: core.now(),
    currency: charge.currency,
    customer: typeof charge.customer === 'string' ? charge.customer : null,
    customer_account: null,
    destination_details: {
      card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
      type: 'card',
    },
    metadata: input.metadata ?? {},
    payment_intent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
    payment_method: typeof charge.payment_method === 'string' ? charge.payment_method : null,
    reason: input.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
  core.state.refunds.insert(owner, refund);
  const before = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded >= charge.amount;

  if (input.reverseTransfer && transfer) {
    const share = Math.min(proportional(amount, transfer.amount, charge.amount), transfer.amount - transfer.amount_reversed);
    if (share > 0) refund.transfer_reversal = reverseTransfer(core, transfer, share, { sourceRefund: id }).id;
  }
  if (input.refundApplicationFee && fee) {
    const share = Math.min(proportional(amount, fee.amount, charge.amount), fee.amount - fee.amount_refunded);
    if (share > 0) refundApplicationFee(core, fee, share);
  }
  core.events.publish('refund.created', owner, refund);
  core.events.publish('charge.refunded', owner, charge, before);
  return refund;
}
