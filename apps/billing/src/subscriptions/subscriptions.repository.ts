import { Injectable } from '@nestjs/common';
import { isPlanId, type AccountStanding, type BillingInterval, type PlanId } from '@fpms/contracts';
import type { EntityManager } from 'typeorm';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';

/** An account's subscription as billing holds it (billing_subscriptions). */
export interface SubscriptionRecord {
  accountId: string;
  stripeCustomerId: string;
  stripeSubscriptionId: string | null;
  /** Stripe's subscription status, or `none`. */
  status: string;
  plan: PlanId;
  interval: BillingInterval | null;
  priceId: string | null;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  pendingPlan: PlanId | null;
  pendingInterval: BillingInterval | null;
  pendingAt: Date | null;
  nextInvoiceAmount: number | null;
  currency: string | null;
  standing: AccountStanding;
  pastDueSince: Date | null;
  locksAt: Date | null;
  openInvoiceId: string | null;
  entitlementsVersion: number;
  stripeSyncedAt: Date | null;
  updatedAt: Date;
}

interface Row {
  account_id: string;
  stripe_customer_id: string;
  stripe_subscription_id: string | null;
  status: string;
  plan: string;
  billing_interval: BillingInterval | null;
  price_id: string | null;
  current_period_start: Date | null;
  current_period_end: Date | null;
  cancel_at_period_end: boolean;
  pending_plan: string | null;
  pending_interval: BillingInterval | null;
  pending_at: Date | null;
  next_invoice_amount: string | null;
  currency: string | null;
  standing: AccountStanding;
  past_due_since: Date | null;
  locks_at: Date | null;
  open_invoice_id: string | null;
  entitlements_version: number;
  stripe_synced_at: Date | null;
  updated_at: Date;
}

function toRecord(r: Row): SubscriptionRecord {
  return {
    accountId: r.account_id,
    stripeCustomerId: r.stripe_customer_id,
    stripeSubscriptionId: r.stripe_subscription_id,
    status: r.status,
    plan: isPlanId(r.plan) ? r.plan : 'free',
    interval: r.billing_interval,
    priceId: r.price_id,
    currentPeriodStart: r.current_period_start,
    currentPeriodEnd: r.current_period_end,
    cancelAtPeriodEnd: r.cancel_at_period_end,
    pendingPlan: isPlanId(r.pending_plan) ? r.pending_plan : null,
    pendingInterval: r.pending_interval,
    pendingAt: r.pending_at,
    nextInvoiceAmount: r.next_invoice_amount === null ? null : Number(r.next_invoice_amount),
    currency: r.currency,
    standing: r.standing,
    pastDueSince: r.past_due_since,
    locksAt: r.locks_at,
    openInvoiceId: r.open_invoice_id,
    entitlementsVersion: r.entitlements_version,
    stripeSyncedAt: r.stripe_synced_at,
    updatedAt: r.updated_at,
  };
}

/**
 * billing_subscriptions: the customer row (written once, at the first checkout), and the
 * subscription state webhook processing and the lock timer write under the row's lock.
 */
@Injectable()
export class SubscriptionsRepository {
  async find(manager: TenantManager, accountId: string): Promise<SubscriptionRecord | null> {
    const rows: Row[] = await manager.query(`select * from billing_subscriptions where account_id = $1`, [accountId]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Works on the tenant (routes) or the system manager (webhooks, the timer). */
  async lock(manager: EntityManager, accountId: string): Promise<SubscriptionRecord | null> {
    const rows: Row[] = await manager.query(`select * from billing_subscriptions where account_id = $1 for update`, [accountId]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** One checkout at a time per account (held until the transaction ends), also before any row exists. */
  async lockCheckout(manager: TenantManager, accountId: string): Promise<void> {
    await manager.query(`select pg_advisory_xact_lock(hashtext('subscription-checkout'), hashtext($1))`, [accountId]);
  }

  /** The account's one Stripe customer (false when a row exists already). */
  async insertCustomer(manager: TenantManager, accountId: string, stripeCustomerId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `insert into billing_subscriptions (account_id, stripe_customer_id) values ($1, $2)
       on conflict (account_id) do nothing returning account_id`,
      [accountId, stripeCustomerId],
    );
    return rows.length === 1;
  }

  /** Webhooks find the account by its Stripe customer (cross-tenant: the system pool). */
  async accountOfCustomer(manager: SystemManager, stripeCustomerId: string): Promise<string | null> {
    const rows: Array<{ account_id: string }> = await manager.query(
      `select account_id from billing_subscriptions where stripe_customer_id = $1`,
      [stripeCustomerId],
    );
    return rows[0]?.account_id ?? null;
  }

  /** Past-due accounts whose grace ended by `now`, locked for this transaction; rows another replica holds are passed over. */
  async lockDueForLockout(manager: SystemManager, now: Date, limit: number): Promise<SubscriptionRecord[]> {
    const rows: Row[] = await manager.query(
      `select * from billing_subscriptions where standing = 'past_due' and locks_at <= $1
       order by locks_at limit $2 for update skip locked`,
      [now, limit],
    );
    return rows.map(toRecord);
  }

  async save(manager: EntityManager, r: SubscriptionRecord): Promise<void> {
    await manager.query(
      `update billing_subscriptions set
         stripe_subscription_id = $2, status = $3, plan = $4, billing_interval = $5, price_id = $6,
         current_period_start = $7, current_period_end = $8, cancel_at_period_end = $9,
         pending_plan = $10, pending_interval = $11, pending_at = $12, next_invoice_amount = $13, currency = $14,
         standing = $15, past_due_since = $16, locks_at = $17, open_invoice_id = $18,
         entitlements_version = $19, stripe_synced_at = $20, updated_at = now()
       where account_id = $1`,
      [
        r.accountId,
        r.stripeSubscriptionId,
        r.status,
        r.plan,
        r.interval,
        r.priceId,
        r.currentPeriodStart,
        r.currentPeriodEnd,
        r.cancelAtPeriodEnd,
        r.pendingPlan,
        r.pendingInterval,
        r.pendingAt,
        r.nextInvoiceAmount,
        r.currency,
        r.standing,
        r.pastDueSince,
        r.locksAt,
        r.openInvoiceId,
        r.entitlementsVersion,
        r.stripeSyncedAt,
      ],
    );
  }
}
