import type Stripe from 'stripe';
import type { ConnectAccountStatus } from '@fpms/contracts';

/** What billing keeps of a connected account: the part users see and funding decides on. */
export interface ConnectSnapshot {
  status: ConnectAccountStatus;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  requirements: string[];
}

/** Disabled reasons that are Stripe's decision, not information the freelancer has yet to give. */
const STRIPE_DECISIONS = ['rejected.', 'listed', 'platform_paused', 'under_review', 'other'];

/**
 * The status of a connected account as Stripe reports it (deauthorization is not in the
 * account object: it comes from its own event):
 * - enabled: it can take charges and be paid out;
 * - pending: the forms are not finished, or they are and Stripe is verifying with nothing due;
 * - restricted: anything else (information due or past due after the forms, or Stripe disabled it).
 */
export function connectStatusOf(account: Stripe.Account): Exclude<ConnectAccountStatus, 'deauthorized'> {
  if (account.charges_enabled && account.payouts_enabled) return 'enabled';
  const req = account.requirements;
  // Stripe's own refusal outweighs anything the freelancer could still fill in.
  if (req?.disabled_reason && STRIPE_DECISIONS.some((d) => req.disabled_reason!.startsWith(d))) return 'restricted';
  if (!account.details_submitted) return 'pending';
  const nothingDue = (req?.currently_due?.length ?? 0) === 0 && (req?.past_due?.length ?? 0) === 0;
  const verifying = req?.disabled_reason === 'requirements.pending_verification' || (req?.pending_verification?.length ?? 0) > 0;
  if (nothingDue && (verifying || !req?.disabled_reason)) return 'pending';
  return 'restricted';
}

/** Stripe's requirement paths (prefix match, longest first) in words a freelancer understands. */
const FIELD_WORDS: Array<[prefix: string, words: string]> = [
  ['individual.verification.additional_document', 'a second identity document'],
  ['individual.verification.document', 'an identity document'],
  ['individual.id_number', 'your national ID number'],
  ['individual.ssn_last_4', 'the last 4 digits of your social security number'],
  ['individual.dob', 'your date of birth'],
  ['individual.first_name', 'your first name'],
  ['individual.last_name', 'your last name'],
  ['individual.email', 'your email address'],
  ['individual.phone', 'your phone number'],
  ['individual.address', 'your home address'],
  ['individual', 'your personal details'],
  ['company.verification.document', 'a company registration document'],
  ['company.tax_id', 'your company tax ID'],
  ['company.address', 'your company address'],
  ['company', 'your company details'],
  ['representative', 'details of your company representative'],
  ['owners', 'details of your company owners'],
  ['directors', 'details of your company directors'],
  ['executives', 'details of your company executives'],
  ['business_profile.mcc', 'your business category'],
  ['business_profile.url', 'your business website'],
  ['business_profile.product_description', 'a description of what you sell'],
  ['business_profile', 'your business profile'],
  ['business_type', 'your business type (individual or company)'],
  ['external_account', 'a bank account for payouts'],
  ['tos_acceptance', "acceptance of Stripe's terms of service"],
  ['settings.payments.statement_descriptor', 'a statement descriptor'],
];

function fieldInWords(path: string): string {
  const match = FIELD_WORDS.find(([prefix]) => path === prefix || path.startsWith(`${prefix}.`));
  // An unknown path still reads as words: "person_x.relationship.title" → "person x relationship title".
  return match ? match[1] : path.replace(/^person_[A-Za-z0-9]+\./, 'a person: ').replace(/[._]/g, ' ');
}

const DISABLED_WORDS: Partial<Record<string, string>> & { other: string } = {
  'requirements.past_due': 'Payouts are paused until the overdue information is provided.',
  'requirements.pending_verification': 'Stripe is verifying the information you provided.',
  'action_required.requested_capabilities': 'Stripe needs you to accept the requested capabilities.',
  under_review: 'Stripe is reviewing the account.',
  listed: 'Stripe is reviewing the account (it matched a watch list).',
  platform_paused: 'The platform has paused this account.',
  'rejected.fraud': 'Stripe rejected the account (suspected fraud).',
  'rejected.terms_of_service': 'Stripe rejected the account (terms of service violation).',
  'rejected.listed': 'Stripe rejected the account (watch list).',
  'rejected.incomplete_verification': 'Stripe rejected the account: verification was not completed in time.',
  other: 'Stripe disabled the account; contact support.',
};

function disabledInWords(reason: string): string {
  if (DISABLED_WORDS[reason]) return DISABLED_WORDS[reason];
  return reason.startsWith('rejected.') ? 'Stripe rejected the account.' : DISABLED_WORDS.other;
}

/**
 * Stripe's outstanding requirements in plain words, in a stable order: what is past due,
 * what is due now, what Stripe is still verifying, then why the account is disabled (if it is). Several paths that mean
 * one thing (the three parts of a date of birth) become one line.
 */
export function requirementsInWords(requirements: Stripe.Account.Requirements | null | undefined): string[] {
  if (!requirements) return [];
  const lines: string[] = [];
  const add = (line: string) => {
    if (!lines.includes(line)) lines.push(line);
  };
  const pastDue = requirements.past_due ?? [];
  for (const path of pastDue) add(`Overdue: ${fieldInWords(path)}`);
  for (const path of requirements.currently_due ?? []) {
    if (!pastDue.includes(path)) add(`Needed now: ${fieldInWords(path)}`);
  }
  for (const path of requirements.pending_verification ?? []) add(`Being verified by Stripe: ${fieldInWords(path)}`);
  if (requirements.disabled_reason) add(disabledInWords(requirements.disabled_reason));
  return lines;
}

export function snapshotOf(account: Stripe.Account): ConnectSnapshot {
  return {
    status: connectStatusOf(account),
    chargesEnabled: account.charges_enabled === true,
    payoutsEnabled: account.payouts_enabled === true,
    requirements: requirementsInWords(account.requirements),
  };
}

/** After deauthorization the platform can do nothing with the account: nothing is due from our side. */
export const DEAUTHORIZED: ConnectSnapshot = { status: 'deauthorized', chargesEnabled: false, payoutsEnabled: false, requirements: [] };

export function sameSnapshot(a: ConnectSnapshot, b: ConnectSnapshot): boolean {
  return (
    a.status === b.status &&
    a.chargesEnabled === b.chargesEnabled &&
    a.payoutsEnabled === b.payoutsEnabled &&
    a.requirements.length === b.requirements.length &&
    a.requirements.every((line, i) => line === b.requirements[i])
  );
}
