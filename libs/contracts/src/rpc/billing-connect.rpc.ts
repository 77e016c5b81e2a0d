import { CONNECT_ACCOUNT_STATUSES } from '../events/billing-connect.events';
import { NoFields } from '../requests/addressed';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('billing');

/**
 * Where an account's Stripe Connect onboarding stands:
 * - `not_started`: no connected account yet (onboarding never begun);
 * - `pending`: onboarding not finished, or finished and Stripe is still verifying;
 * - `restricted`: Stripe needs more (or disabled the account): see `requirements`;
 * - `enabled`: charges and payouts work;
 * - `deauthorized`: the account revoked the platform's access (final).
 */
export const CONNECT_STATUS_VALUES = ['not_started', ...CONNECT_ACCOUNT_STATUSES] as const;
export type ConnectStatusValue = (typeof CONNECT_STATUS_VALUES)[number];

export interface ConnectStateView {
  status: ConnectStatusValue;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  /** What Stripe still asks for, in plain words (empty when nothing is due). */
  requirements: string[];
  /** When billing last changed this state (null while `not_started`). */
  updatedAt: string | null;
}

/** A Stripe-hosted onboarding page: single use, short-lived; ask for a new one when it expired. */
export interface OnboardingLinkView {
  url: string;
  expiresAt: string;
}

/**
 * Connect onboarding. Both act for the caller's own account (the token's account: its owner);
 * neither takes an id, so there is nothing of another tenant to name.
 */
export const BillingConnectRpc = {
  state: rpcPattern<ConnectStateView>()(queue, 'billing.connect.state', NoFields),
  startOnboarding: rpcPattern<OnboardingLinkView>()(queue, 'billing.connect.onboarding', NoFields),
} as const;
