import type { MilestoneMoneyState, OrderKind, OrderStatus } from '@fpms/contracts';
import { dateOrNull } from './row-values';

/** An `orders` row as repositories return it (bigint columns as numbers: amounts stay below 2^53). */
export interface Order {
  id: string;
  accountId: string;
  workspaceId: string;
  milestoneId: string;
  kind: OrderKind;
  amount: number;
  currency: string;
  status: OrderStatus;
  charged: number;
  released: number;
  platformFee: number;
  refunded: number;
  disputed: number;
  checkoutSessionId: string | null;
  checkoutUrl: string | null;
  checkoutExpiresAt: Date | null;
  checkoutAttempt: number;
  paymentIntentId: string | null;
  chargeId: string | null;
  connectedAccountId: string | null;
  transferId: string | null;
  /** A pay-now charge's application fee (the platform fee Stripe took from the destination payment). */
  applicationFeeId: string | null;
  releasedAt: Date | null;
  releaseRequestedAt: Date | null;
  releaseAttempts: number;
  releaseNextAttemptAt: Date | null;
  releaseLastError: string | null;
  /** What the release transfers (gross, the fee taken from it): an in-app dispute's release part; null = everything not refunded. */
  releaseAmount: number | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The status the amounts imply (the contract's rule, milestoneMoneyStateSchema): nothing
 * charged → pending, or payment_failed once a checkout failed; everything charged refunded →
 * refunded; anything released → released; otherwise the money is held in escrow.
 */
export function statusOf(money: Pick<Order, 'charged' | 'released' | 'refunded'>, paymentFailed: boolean): OrderStatus {
  if (money.charged === 0) return paymentFailed ? 'payment_failed' : 'pending';
  if (money.refunded === money.charged) return 'refunded';
  if (money.released > 0) return 'released';
  return 'held';
}

/** The order's complete money state, as every billing milestone event carries it. */
export function moneyStateOf(order: Order): MilestoneMoneyState {
  return {
    status: order.status,
    currency: order.currency,
    charged: order.charged,
    released: order.released,
    platformFee: order.platformFee,
    refunded: order.refunded,
    disputed: order.disputed,
  };
}

/** Paid by one destination charge (pay-now, an hourly week): released as it succeeds, refunded by reversing Stripe's transfer. */
export function isDestinationCharge(order: Pick<Order, 'kind'>): boolean {
  return order.kind === 'pay_now' || order.kind === 'hourly_week';
}

/** A checkout session is still payable: open and not past its expiry. */
export function hasOpenCheckout(order: Order, now: Date): boolean {
  return order.checkoutSessionId !== null && order.checkoutExpiresAt !== null && order.checkoutExpiresAt.getTime() > now.getTime();
}

type OrderRow = Record<string, unknown>;
const num = (v: unknown) => Number(v);

export function toOrder(r: OrderRow): Order {
  return {
    id: r.id as string,
    accountId: r.account_id as string,
    workspaceId: r.workspace_id as string,
    milestoneId: r.milestone_id as string,
    kind: (r.kind as OrderKind) ?? 'escrow',
    amount: num(r.amount),
    currency: r.currency as string,
    status: r.status as OrderStatus,
    charged: num(r.charged),
    released: num(r.released),
    platformFee: num(r.platform_fee),
    refunded: num(r.refunded),
    disputed: num(r.disputed),
    checkoutSessionId: (r.checkout_session_id as string) ?? null,
    checkoutUrl: (r.checkout_url as string) ?? null,
    checkoutExpiresAt: dateOrNull(r.checkout_expires_at),
    checkoutAttempt: num(r.checkout_attempt),
    paymentIntentId: (r.payment_intent_id as string) ?? null,
    chargeId: (r.charge_id as string) ?? null,
    connectedAccountId: (r.connected_account_id as string) ?? null,
    transferId: (r.transfer_id as string) ?? null,
    applicationFeeId: (r.application_fee_id as string) ?? null,
    releasedAt: dateOrNull(r.released_at),
    releaseRequestedAt: dateOrNull(r.release_requested_at),
    releaseAttempts: num(r.release_attempts),
    releaseNextAttemptAt: dateOrNull(r.release_next_attempt_at),
    releaseLastError: (r.release_last_error as string) ?? null,
    releaseAmount: r.release_amount === null || r.release_amount === undefined ? null : num(r.release_amount),
    version: num(r.version),
    createdAt: dateOrNull(r.created_at) as Date,
    updatedAt: dateOrNull(r.updated_at) as Date,
  };
}
