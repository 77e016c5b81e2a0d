import { PageQuery } from '../requests/paging';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('billing');

/** Stripe's payout statuses: pending → in_transit → paid, or failed / canceled (a paid payout may still fail: the bank returned it). */
export const PAYOUT_STATUSES = ['pending', 'in_transit', 'paid', 'failed', 'canceled'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/** A payout from the freelancer's connected account to their bank, as Stripe last reported it. */
export interface PayoutView {
  /** Stripe's payout id (po_…). */
  id: string;
  /** Integer minor units of `currency`. */
  amount: number;
  currency: string;
  status: PayoutStatus;
  /** When the money is (or was) expected in the bank. */
  arrivalDate: string | null;
  method: string | null;
  /** Stripe's failure code and message, when it failed. */
  failureCode: string | null;
  failureMessage: string | null;
  createdAt: string;
  paidAt: string | null;
  failedAt: string | null;
  updatedAt: string;
}

export interface PayoutListView {
  items: PayoutView[];
  nextBefore: string | null;
}

/** The account owner's payouts, newest first (the token's own account). */
export const BillingPayoutsRpc = {
  list: rpcPattern<PayoutListView>()(queue, 'billing.payouts.list', PageQuery),
} as const;
