import type Stripe from 'stripe';
import type { Core } from '../core';
import { previousAttributes } from '../events/bus';
import { invalidParam, invalidRequest, noSuch } from '../http/errors';
import { mergeMetadata, Params } from '../http/form';
import { listOf, paginate } from '../http/list';
import type { ApiRouter } from '../http/router';
import { newId, randomBase62 } from '../ids';

export type OnboardingState = 'complete' | 'restricted' | 'pending_verification' | 'not_started';

/** What Stripe asks of a fresh US Express account before it can take charges. */
const INITIAL_DUE = [
  'business_profile.mcc',
  'business_profile.url',
  'business_type',
  'external_account',
  'individual.dob.day',
  'individual.dob.month',
  'individual.dob.year',
  'individual.email',
  'individual.first_name',
  'individual.last_name',
  'individual.phone',
  'individual.ssn_last_4',
  'tos_acceptance.date',
  'tos_acceptance.ip',
];

function requirements(
  due: string[],
  pastDue: string[],
  pending: string[],
  disabled: Stripe.Account.Requirements.DisabledReason | null,
): Stripe.Account.Requirements {
  return {
    alternatives: [],
    current_deadline: null,
    currently_due: due,
    disabled_reason: disabled,
    errors: [],
    eventually_due: [...due],
    past_due: pastDue,
    pending_verification: pending,
  };
}

function emptyFutureRequirements(): Stripe.Account.FutureRequirements {
  return {
    alternatives: [],
    current_deadline: null,
    currently_due: [],
    disabled_reason: null,
    errors: [],
    eventually_due: [],
    past_due: [],
    pending_verification: [],
  };
}

function requestedCapabilities(p: Params | undefined): string[] {
  if (!p) return [];
  return p.keys().filter((k) => p.obj(k)?.bool('requested') === true);
}

function capabilityMap(names: string[], status: string): Stripe.Account.Capabilities {
  const caps: Record<string, string> = {};
  for (const n of names) caps[n] = status;
  return caps as Stripe.Account.Capabilities;
}

function controllerFor(type: string, p: Params | undefined): Stripe.Account.Controller {
  if (type === 'standard')
    return {
      is_controller: true,
      type: 'application',
      stripe_dashboard: { type: 'full' },
      requirement_collection: 'stripe',
      fees: { payer: 'account' },
      losses: { payments: 'stripe' },
    };
  const dashboard = p?.obj('stripe_dashboard')?.str('type') ?? (type === 'custom' ? 'none' : 'express');
  return {
    fees: { payer: (p?.obj('fees')?.str('payer') as Stripe.Account.Controller.Fees.Payer) ?? 'application' },
    is_controller: true,
    losses: { payments: (p?.obj('losses')?.str('payments') as Stripe.Account.Controller.Losses.Payments) ?? 'application' },
    requirement_collection: (p?.str('requirement_collection') as Stripe.Account.Controller.RequirementCollection) ?? 'stripe',
    stripe_dashboard: { type: dashboard as Stripe.Account.Controller.StripeDashboard.Type },
    type: 'application',
  };
}

function businessProfile(p: Params | undefined, current?: Stripe.Account.BusinessProfile | null): Stripe.Account.BusinessProfile {
  const base: Stripe.Account.BusinessProfile = current ?? {
    annual_revenue: null,
    estimated_worker_count: null,
    mcc: null,
    minority_owned_business_designation: null,
    name: null,
    product_description: null,
    specified_commercial_transactions_act_url: null,
    support_address: null,
    support_email: null,
    support_phone: null,
    support_url: null,
    url: null,
  };
  if (!p) return base;
  return {
    ...base,
    mcc: p.nullableStr('mcc') ?? base.mcc,
    name: p.nullableStr('name') ?? base.name,
    product_description: p.nullableStr('product_description') ?? base.product_description,
    support_email: p.nullableStr('support_email') ?? base.support_email,
    support_phone: p.nullableStr('support_phone') ?? base.support_phone,
    support_url: p.nullableStr('support_url') ?? base.support_url,
    url: p.nullableStr('url') ?? base.url,
  };
}

export function newAccount(core: Core, p: Params): Stripe.Account {
  const controllerParams = p.obj('controller');
  const type =
    p.oneOf('type', ['express', 'standard', 'custom'] as const) ??
    (controllerParams?.obj('stripe_dashboard')?.str('type') === 'none'
      ? 'custom'
      : controllerParams?.obj('stripe_dashboard')?.str('type') === 'full'
        ? 'standard'
        : 'express');
  const country = p.str('country') ?? 'US';
  const id = newId('acct');
  const caps = requestedCapabilities(p.obj('capabilities'));
  if (type === 'express' && caps.length === 0) {
    throw invalidParam(
      'capabilities',
      'You must request at least one capability for Express accounts (e.g. capabilities[transfers][requested]=true).',
    );
  }
  return {
    id,
    object: 'account',
    business_profile: businessProfile(p.obj('business_profile')),
    business_type: (p.str('business_type') as Stripe.Account.BusinessType) ?? null,
    capabilities: capabilityMap(caps, 'inactive'),
    charges_enabled: false,
    controller: controllerFor(type, controllerParams),
    country,
    created: core.now(),
    default_currency: (p.str('default_currency') ?? (country === 'US' ? 'usd' : 'eur')).toLowerCase(),
    details_submitted: false,
    email: p.str('email') ?? null,
    external_accounts: listOf<Stripe.BankAccount | Stripe.Card>([], `/v1/accounts/${id}/external_accounts`),
    future_requirements: emptyFutureRequirements(),
    metadata: p.metadata() ?? {},
    payouts_enabled: false,
    requirements: requirements([...INITIAL_DUE], [], [], 'requirements.past_due'),
    settings: {
      bacs_debit_payments: { display_name: null, service_user_number: null },
      branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
      card_issuing: { tos_acceptance: { date: null, ip: null } },
      card_payments: {
        decline_on: { avs_failure: false, cvc_failure: false },
        statement_descriptor_prefix: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      dashboard: { display_name: null, timezone: 'Etc/UTC' },
      invoices: { default_account_tax_ids: null, hosted_payment_method_save: null },
      payments: {
        statement_descriptor: null,
        statement_descriptor_kana: null,
        statement_descriptor_kanji: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      payouts: { debit_negative_balances: true, schedule: { delay_days: 2, interval: 'daily' }, statement_descriptor: null },
      sepa_debit_payments: {},
    },
    tos_acceptance: { date: null, ip: null, user_agent: null },
    type,
  };
}

/** The platform's own account, answered by `GET /v1/account` without `Stripe-Account`. */
export function platformAccount(core: Core): Stripe.Account {
  const acct = newAccount(core, new Params({ type: 'standard', country: 'US' }));
  acct.id = core.platformId;
  acct.external_accounts = listOf<Stripe.BankAccount | Stripe.Card>([], `/v1/accounts/${acct.id}/external_accounts`);
  acct.charges_enabled = true;
  acct.payouts_enabled = true;
  acct.details_submitted = true;
  acct.capabilities = { card_payments: 'active', transfers: 'active' };
  acct.requirements = requirements([], [], [], null);
  acct.business_profile = { ...acct.business_profile!, name: 'FPMS Platform (emulated)' };
  acct.email = 'platform@example.com';
  return acct;
}

function testBankAccount(account: Stripe.Account): Stripe.BankAccount {
  return {
    id: newId('ba'),
    object: 'bank_account',
    account: account.id,
    account_holder_name: null,
    account_holder_type: null,
    account_type: null,
    available_payout_methods: ['standard', 'instant'],
    bank_name: 'STRIPE TEST BANK',
    country: account.country ?? 'US',
    currency: account.default_currency ?? 'usd',
    default_for_currency: true,
    fingerprint: randomBase62(16),
    future_requirements: { currently_due: [], errors: [], past_due: [], pending_verification: [] },
    last4: '6789',
    metadata: {},
    requirements: { currently_due: [], errors: [], past_due: [], pending_verification: [] },
    routing_number: '110000000',
    status: 'new',
  };
}

/**
 * Moves a connected account through onboarding and emits `account.updated` (with
 * `previous_attributes`, on the connected account) when anything changed.
 */
export function setOnboarding(core: Core, accountId: string, state: OnboardingState): Stripe.Account {
  const acct = core.state.accounts.get(accountId, core.platformId);
  if (acct.id === core.platformId) throw invalidRequest('The platform account has no onboarding.');
  const before = JSON.parse(JSON.stringify(acct)) as Stripe.Account;
  const caps = Object.keys(acct.capabilities ?? {});
  const now = core.now();
  switch (state) {
    case 'complete':
      acct.details_submitted = true;
      acct.charges_enabled = true;
      acct.payouts_enabled = true;
      acct.capabilities = capabilityMap(caps, 'active');
      acct.requirements = requirements([], [], [], null);
      acct.requirements.eventually_due = ['individual.verification.document'];
      acct.tos_acceptance = { date: acct.tos_acceptance?.date ?? now, ip: acct.tos_acceptance?.ip ?? '127.0.0.1', user_agent: null };
      if (acct.external_accounts && acct.external_accounts.data.length === 0) acct.external_accounts.data.push(testBankAccount(acct));
      acct.business_profile = {
        ...acct.business_profile!,
        mcc: acct.business_profile?.mcc ?? '7372',
        url: acct.business_profile?.url ?? 'https://example.com',
      };
      acct.business_type = acct.business_type ?? 'individual';
      break;
    case 'pending_verification':
      acct.details_submitted = true;
      acct.charges_enabled = false;
      acct.payouts_enabled = false;
      acct.capabilities = capabilityMap(caps, 'pending');
      acct.requirements = requirements(
        [],
        [],
        ['individual.id_number', 'individual.verification.document'],
        'requirements.pending_verification',
      );
      acct.tos_acceptance = { date: acct.tos_acceptance?.date ?? now, ip: acct.tos_acceptance?.ip ?? '127.0.0.1', user_agent: null };
      break;
    case 'restricted':
      acct.charges_enabled = false;
      acct.payouts_enabled = false;
      acct.capabilities = capabilityMap(caps, 'inactive');
      acct.requirements = requirements(
        ['individual.verification.document'],
        ['individual.verification.document'],
        [],
        'requirements.past_due',
      );
      break;
    case 'not_started':
      acct.details_submitted = false;
      acct.charges_enabled = false;
      acct.payouts_enabled = false;
      acct.capabilities = capabilityMap(caps, 'inactive');
      acct.requirements = requirements([...INITIAL_DUE], [], [], 'requirements.past_due');
      break;
    default:
      throw invalidParam('state', `Unknown onboarding state ${String(state)}`);
  }
  emitAccountUpdated(core, before, acct);
  return acct;
}

function emitAccountUpdated(core: Core, before: Stripe.Account, after: Stripe.Account): void {
  const prev = previousAttributes(before, after);
  if (Object.keys(prev).length > 0) core.events.publish('account.updated', after.id, after, prev);
}

export function registerAccounts(api: ApiRouter, core: Core): void {
  const { state } = core;

  api.post(
    '/accounts',
    (req) => {
      if (req.connected) throw invalidRequest('Connected accounts cannot create other accounts.', {}, 403);
      const acct = newAccount(core, req.params);
      return state.accounts.insert(core.platformId, acct);
    },
    {
      allow: [
        'type',
        'country',
        'email',
        'capabilities',
        'business_type',
        'business_profile',
        'metadata',
        'controller',
        'default_currency',
        'settings',
        'tos_acceptance',
      ],
    },
  );

  api.get('/accounts', (req) => {
    const items = state.accounts.all(core.platformId).filter((a) => a.id !== core.platformId);
    return paginate(items, req.params, '/v1/accounts');
  });

  api.get('/account', (req) => state.accounts.get(req.owner, core.platformId));

  api.get('/accounts/:id', (req) => {
    if (req.connected && req.path.id !== req.owner) throw noSuch('account', req.path.id);
    return state.accounts.get(req.path.id, core.platformId);
  });

  api.post(
    '/accounts/:id',
    (req) => {
      const acct = state.accounts.get(req.path.id, core.platformId);
      const before = JSON.parse(JSON.stringify(acct)) as Stripe.Account;
      const p = req.params;
      if (p.has('email')) acct.email = p.nullableStr('email') ?? null;
      if (p.has('metadata')) acct.metadata = p.isEmptied('metadata') ? {} : mergeMetadata(acct.metadata ?? {}, p.metadata());
      if (p.has('business_profile')) acct.business_profile = businessProfile(p.obj('business_profile'), acct.business_profile);
      if (p.has('business_type')) acct.business_type = (p.nullableStr('business_type') as Stripe.Account.BusinessType) ?? null;
      const caps = requestedCapabilities(p.obj('capabilities'));
      if (caps.length > 0) {
        const status = acct.charges_enabled ? 'active' : 'inactive';
        acct.capabilities = { ...acct.capabilities, ...capabilityMap(caps, status) };
      }
      const tos = p.obj('tos_acceptance');
      if (tos)
        acct.tos_acceptance = { date: tos.int('date') ?? null, ip: tos.str('ip') ?? null, user_agent: tos.str('user_agent') ?? null };
      emitAccountUpdated(core, before, acct);
      return acct;
    },
    { allow: ['email', 'metadata', 'business_profile', 'business_type', 'capabilities', 'settings', 'tos_acceptance', 'default_currency'] },
  );

  api.del('/accounts/:id', (req) => {
    const acct = state.accounts.get(req.path.id, core.platformId);
    if (acct.id === core.platformId) throw invalidRequest('You cannot delete the platform account.');
    state.accounts.delete(acct.id);
    const deleted: Stripe.DeletedAccount = { id: acct.id, object: 'account', deleted: true };
    return deleted;
  });

  api.post(
    '/accounts/:id/login_links',
    (req) => {
      const acct = state.accounts.get(req.path.id, core.platformId);
      if (acct.type !== 'express') throw invalidRequest('Login links can only be created for Express accounts.', { param: 'account' });
      if (!acct.details_submitted)
        throw invalidRequest('Cannot create a login link for an account that has not completed onboarding.', { param: 'account' });
      const link: Stripe.LoginLink = {
        object: 'login_link',
        created: core.now(),
        url: `${core.baseUrl}/_emulator/connect/express/${acct.id}/${randomBase62(12)}`,
      };
      return link;
    },
    { allow: [] },
  );

  api.post(
    '/account_links',
    (req) => {
      const p = req.params;
      const accountId = p.reqStr('account');
      const acct = state.accounts.find(accountId, core.platformId);
      if (!acct || acct.id === core.platformId) throw noSuch('account', accountId, 'account');
      const type = p.oneOf('type', ['account_onboarding', 'account_update'] as const);
      if (!type) throw invalidParam('type', 'Missing required param: type.', 'parameter_missing');
      const refreshUrl = p.reqStr('refresh_url');
      const returnUrl = p.reqStr('return_url');
      if (type === 'account_update' && acct.type === 'express') {
        throw invalidRequest('You cannot create `account_update` type Account Links for Express accounts.', { param: 'type' });
      }
      const token = randomBase62(12);
      const created = core.now();
      const expiresAt = created + 300;
      state.accountLinks.set(token, { token, account: accountId, type, refreshUrl, returnUrl, expiresAt });
      const link: Stripe.AccountLink = {
        object: 'account_link',
        created,
        expires_at: expiresAt,
        url: `${core.baseUrl}/_emulator/connect/onboarding/${token}`,
      };
      return link;
    },
    { allow: ['account', 'type', 'refresh_url', 'return_url', 'collect', 'collection_options'] },
  );
}
