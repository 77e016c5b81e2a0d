import type Stripe from 'stripe';
import type { Core } from '../core';
import { invalidRequest } from '../http/errors';
import { newId } from '../ids';

function emptyEvidence(): Stripe.Dispute.Evidence {
  return {
    access_activity_log: null,
    billing_address: null,
    cancellation_policy: null,
    cancellation_policy_disclosure: null,
    cancellation_rebuttal: null,
    customer_communication: null,
    customer_email_address: null,
    customer_name: null,
    customer_purchase_ip: null,
    customer_signature: null,
    duplicate_charge_documentation: null,
    duplicate_charge_explanation: null,
    duplicate_charge_id: null,
    enhanced_evidence: {},
    product_description: null,
    receipt: null,
    refund_policy: null,
    refund_policy_disclosure: null,
    refund_refusal_explanation: null,
    service_date: null,
    service_documentation: null,
    shipping_address: null,
    shipping_carrier: null,
    shipping_date: null,
    shipping_documentation: null,
    shipping_tracking_number: null,
    uncategorized_file: null,
    uncategorized_text: null,
  };
}

/** Takes the disputed amount plus the dispute fee from the charge's account. */
function withdrawFunds(core: Core, owner: string, dispute: Stripe.Dispute): void {
  const bt = core.ledger.post({
    owner,
    amount: -dispute.amount,
    currency: dispute.currency,
    type: 'adjustment',
    reportingCategory: 'dispute',
    source: dispute.id,
    description: `Chargeback withdrawal for ${dispute.charge as string}`,
    feeDetails: [
      { amount: core.options.disputeFee, application: null, currency: dispute.currency, description: 'Dispute fee', type: 'stripe_fee' },
    ],
  });
  dispute.balance_transactions.push(bt);
  core.events.publish('charge.dispute.funds_withdrawn', owner, dispute);
}

/**
 * Opens a dispute on a succeeded charge. A chargeback withdraws the amount and the
 * dispute fee at once (for destination charges: from the platform, as on Stripe); an
 * inquiry (`warning_needs_response`) moves no money until it escalates.
 */
export function openDispute(core: Core, owner: string, charge: Stripe.Charge, reason = 'fraudulent', inquiry = false): Stripe.Dispute {
  if (charge.status !== 'succeeded') throw invalidRequest(`Charge ${charge.id} has not succeeded; it cannot be disputed.`);
  if (charge.disputed) throw invalidRequest(`Charge ${charge.id} is already disputed.`);
  const now = core.now();
  const card = charge.payment_method_details?.card;
  const dispute: Stripe.Dispute = {
    id: newId('dp'),
    object: 'dispute',
    amount: charge.amount - charge.amount_refunded,
    balance_transactions: [],
    charge: charge.id,
    created: now,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: emptyEvidence(),
    evidence_details: {
      due_by: now + 7 * 24 * 3600,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: 'not_submitted',
    },
    intended_submission_method: null,
    is_charge_refundable: inquiry,
    livemode: false,
    metadata: {},
    payment_intent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
    payment_method_details: {
      type: 'card',
      card: {
        brand: card?.brand ?? 'visa',
        network: card?.network ?? 'visa',
        case_type: inquiry ? 'inquiry' : 'chargeback',
        network_reason_code: inquiry ? null : '10.4',
      },
    },
    reason,
    status: inquiry ? 'warning_needs_response' : 'needs_response',
  };
  core.state.disputes.insert(owner, dispute);
  charge.disputed = true;
  core.events.publish('charge.dispute.created', owner, dispute);
  if (!inquiry) withdrawFunds(core, owner, dispute);
  return dispute;
}

/**
 * Closes a dispute. Won: a chargeback's amount comes back (the fee does not); an inquiry
 * closes as `warning_closed`. Lost: the funds stay withdrawn; a lost inquiry escalates
 * to a chargeback that is lost, withdrawing the funds then.
 */
export function closeDispute(core: Core, owner: string, dispute: Stripe.Dispute, outcome: 'won' | 'lost'): Stripe.Dispute {
  const open = ['needs_response', 'under_review', 'warning_needs_response', 'warning_under_review'];
  if (!open.includes(dispute.status)) throw invalidRequest(`Dispute ${dispute.id} is already closed (${dispute.status}).`);
  const inquiry = dispute.status.startsWith('warning_');
  const before = dispute.status;
  if (outcome === 'won') {
    if (inquiry) {
      dispute.status = 'warning_closed';
    } else {
      dispute.status = 'won';
      const bt = core.ledger.post({
        owner,
        amount: dispute.amount,
        currency: dispute.currency,
        type: 'adjustment',
        reportingCategory: 'dispute_reversal',
        source: dispute.id,
        description: `Chargeback reversal for ${dispute.charge as string}`,
      });
      dispute.balance_transactions.push(bt);
      core.events.publish('charge.dispute.funds_reinstated', owner, dispute);
    }
  } else {
    if (inquiry) withdrawFunds(core, owner, dispute);
    dispute.status = 'lost';
  }
  dispute.is_charge_refundable = false;
  core.events.publish('charge.dispute.closed', owner, dispute, { status: before });
  return dispute;
}

/** Evidence submitted: the dispute goes under review (`charge.dispute.updated`). */
export function submitEvidence(core: Core, owner: string, dispute: Stripe.Dispute): void {
  const before = dispute.status;
  if (dispute.status === 'needs_response') dispute.status = 'under_review';
  else if (dispute.status === 'warning_needs_response') dispute.status = 'warning_under_review';
  else throw invalidRequest(`Dispute ${dispute.id} does not accept evidence in status ${dispute.status}.`);
  dispute.evidence_details.submission_count += 1;
  dispute.evidence_details.has_evidence = true;
  dispute.evidence_details.submission_method = 'manual';
  core.events.publish('charge.dispute.updated', owner, dispute, { status: before });
}
