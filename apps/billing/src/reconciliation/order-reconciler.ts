import type { DriftKind } from '@fpms/contracts/rpc/billing-reconciliation.rpc';
import type { Order } from '../payments/order';

/** One difference between an order and the Stripe object it refers to. */
export interface OrderDrift {
  kind: Exclude<DriftKind, 'missing_event'>;
  orderId: string;
  stripeObjectId: string;
  /** The money involved, minor units of `currency` (0 when none moved). */
  amount: number;
  currency: string;
  detail: string;
  /**
   * Applies what Stripe holds through the path the webhooks (or the release worker) use.
   * Absent: a human must look (amount mismatches and orphans are never overwritten).
   */
  repair?: () => Promise<void>;
}

/**
 * One object kind's audit (checkout/payment, release transfer, refunds, disputes): compares an order with Stripe's own objects. `check` only reads; repairs go
 * through the returned drift's `repair`, which must be idempotent (a second run, or the
 * webhook arriving late, finds nothing left to do).
 */
export interface OrderReconciler {
  readonly objectKind: string;
  check(order: Order): Promise<OrderDrift[]>;
}

/** The Nest multi-provider token the reconcilers are registered under (reconciliation.providers.ts). */
export const ORDER_RECONCILERS = Symbol('ORDER_RECONCILERS');
