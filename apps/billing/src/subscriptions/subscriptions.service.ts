import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AccountUsageRpc,
  PLAN_FEATURE_SETS,
  PLAN_IDS,
  PLAN_LIMITS,
  PLATFORM_FEE_BPS,
  type BillingInterval,
  type ChangeSubscriptionBody,
  type LimitUsage,
  type PlanLimitName,
  type RpcContext,
  type StartSubscriptionCheckoutBody,
  type SubscriptionChangeView,
  type SubscriptionCheckoutView,
  type SubscriptionView,
} from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import type { VerifiedRpc } from '@fpms/messaging/rpc/verified-rpc';
import { PlanPrices } from './plan-prices';
import { grantsPlan } from './subscription-state';
import { SubscriptionError } from './subscriptions.errors';
import { SubscriptionRecord, SubscriptionsRepository } from './subscriptions.repository';
import { StripeSubscriptions } from './stripe-subscriptions';

const RANK: Record<string, number> = Object.fromEntries(PLAN_IDS.map((plan, n) => [plan, n]));
const INTERVAL_RANK: Record<BillingInterval, number> = { month: 0, year: 1 };

function ownAccount(caller: VerifiedRpc<unknown>): string {
  if (!caller.accountId) throw SubscriptionError.ownerRequired();
  return caller.accountId;
}

/**
 * The owner's plan routes. They ask Stripe for a change and answer what was asked; they
 * never write subscription state — Stripe's webhooks do (SubscriptionEventsHandler), so
 * what GET shows is what Stripe reported. One call at a time per account (an advisory lock)
 * keeps two clicks from making two customers, two schedules or two changes.
 */
@Injectable()
export class SubscriptionsService {
  private readonly logger = new Logger(SubscriptionsService.name);

  constructor(
    private readonly tx: TenantTransactions,
    private readonly subscriptions: SubscriptionsRepository,
    private readonly stripe: StripeSubscriptions,
    private readonly prices: PlanPrices,
    private readonly rpc: RpcClient,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  checkout(caller: VerifiedRpc<StartSubscriptionCheckoutBody>): Promise<SubscriptionCheckoutView> {
    const accountId = ownAccount(caller);
    const { plan, interval } = caller.data;
    const price = this.prices.priceFor(plan, interval);
    if (!price) throw SubscriptionError.priceNotConfigured(plan, interval);
    return this.tx.run({ accountId, userId: caller.userId }, async (manager) => {
      await this.subscriptions.lockCheckout(manager, accountId);
      let held = await this.subscriptions.find(manager, accountId);
      if (held && (grantsPlan(held.status) || held.status === 'incomplete')) throw SubscriptionError.exists(held.status);
      if (!held) {
        const customer = await this.stripe.createCustomer(accountId);
        await this.subscriptions.insertCustomer(manager, accountId, customer.id);
        held = (await this.subscriptions.find(manager, accountId))!;
      }
      const session = await this.stripe.createCheckout({
        accountId,
        customerId: held.stripeCustomerId,
        priceId: price.priceId,
        plan,
        interval,
        version: held.entitlementsVersion,
      });
      return {
        checkoutSessionId: session.id,
        checkoutUrl: session.url ?? '',
        expiresAt: new Date(session.expires_at * 1000).toISOString(),
        plan,
        interval,
      };
    });
  }

  change(caller: VerifiedRpc<ChangeSubscriptionBody>): Promise<SubscriptionChangeView> {
    const accountId = ownAccount(caller);
    return this.tx.run({ accountId, userId: caller.userId }, async (manager) => {
      await this.subscriptions.lockCheckout(manager, accountId);
      const held = await this.runningSubscription(await this.subscriptions.find(manager, accountId));
      if (held.standing !== 'active') throw SubscriptionError.notChangeable('the last renewal is unpaid; pay the open invoice first');
      if (held.cancelAtPeriodEnd) throw SubscriptionError.notChangeable('it is cancelled at the end of the period');
      const plan = caller.data.plan;
      const interval = caller.data.interval ?? held.interval!;
      const price = this.prices.priceFor(plan, interval);
      if (!price) throw SubscriptionError.priceNotConfigured(plan, interval);
      const upgrade = RANK[plan] > RANK[held.plan] || (plan === held.plan && INTERVAL_RANK[interval] > INTERVAL_RANK[held.interval!]);
      const at = caller.data.at ?? (upgrade ? 'now' : 'period_end');
      const sub = await this.stripe.retrieve(held.stripeSubscriptionId!);
      const schedule = typeof sub.schedule === 'string' ? sub.schedule : (sub.schedule?.id ?? null);
      const periodEnd = new Date(sub.items.data[0].current_period_end * 1000);
      const view = (effectiveAt: Date): SubscriptionChangeView => ({
        subscriptionId: sub.id,
        plan,
        interval,
        at,
        effectiveAt: effectiveAt.toISOString(),
      });
      if (sub.items.data[0].price.id === price.priceId) {
        // Back to what runs now: dropping the scheduled change is the whole change.
        if (!schedule) throw SubscriptionError.unchanged(plan, interval);
        await this.stripe.releaseSchedule(schedule);
        return view(this.clock.now());
      }
      if (at === 'period_end' && held.pendingPlan === plan && held.pendingInterval === interval && schedule) return view(periodEnd);
      if (schedule) await this.stripe.releaseSchedule(schedule);
      if (at === 'now') {
        await this.stripe.changeNow(sub, price.priceId);
        return view(this.clock.now());
      }
      await this.stripe.changeAtPeriodEnd(sub, price.priceId, interval);
      return view(periodEnd);
    });
  }

  cancel(caller: VerifiedRpc<unknown>): Promise<SubscriptionChangeView> {
    const accountId = ownAccount(caller);
    return this.tx.run({ accountId, userId: caller.userId }, async (manager) => {
      await this.subscriptions.lockCheckout(manager, accountId);
      const held = await this.runningSubscription(await this.subscriptions.find(manager, accountId));
      let sub = await this.stripe.retrieve(held.stripeSubscriptionId!);
      if (!sub.cancel_at_period_end) {
        // A scheduled change would outlive the cancellation: Stripe wants it gone first.
        const schedule = typeof sub.schedule === 'string' ? sub.schedule : (sub.schedule?.id ?? null);
        if (schedule) await this.stripe.releaseSchedule(schedule);
        sub = await this.stripe.cancelAtPeriodEnd(sub.id);
      }
      return {
        subscriptionId: sub.id,
        plan: held.plan,
        interval: held.interval!,
        at: 'period_end',
        effectiveAt: new Date(sub.items.data[0].current_period_end * 1000).toISOString(),
      };
    });
  }

  async get(caller: VerifiedRpc<unknown>): Promise<SubscriptionView> {
    const accountId = ownAccount(caller);
    const held = await this.tx.run({ accountId, userId: caller.userId }, (manager) => this.subscriptions.find(manager, accountId));
    const usage = await this.usage(caller, held?.plan ?? 'free');
    const plan = held?.plan ?? 'free';
    return {
      plan,
      status: held?.status ?? 'none',
      interval: held && grantsPlan(held.status) ? held.interval : null,
      currentPeriod:
        held?.currentPeriodStart && held.currentPeriodEnd && grantsPlan(held.status)
          ? { start: held.currentPeriodStart.toISOString(), end: held.currentPeriodEnd.toISOString() }
          : null,
      cancelAtPeriodEnd: held?.cancelAtPeriodEnd ?? false,
      pendingChange:
        held?.pendingPlan && held.pendingInterval && held.pendingAt
          ? { plan: held.pendingPlan, interval: held.pendingInterval, at: held.pendingAt.toISOString() }
          : null,
      standing: held?.standing ?? 'active',
      pastDueSince: held?.pastDueSince?.toISOString() ?? null,
      locksAt: held?.locksAt?.toISOString() ?? null,
      features: [...PLAN_FEATURE_SETS[plan]],
      platformFeeBps: PLATFORM_FEE_BPS[plan],
      usage,
      nextInvoice:
        held && held.nextInvoiceAmount !== null && held.currentPeriodEnd
          ? { amount: held.nextInvoiceAmount, currency: held.currency ?? 'USD', date: held.currentPeriodEnd.toISOString() }
          : null,
      version: held?.entitlementsVersion ?? 0,
    };
  }

  private runningSubscription(held: SubscriptionRecord | null): SubscriptionRecord {
    if (!held?.stripeSubscriptionId || !grantsPlan(held.status) || !held.interval) throw SubscriptionError.noSubscription();
    return held;
  }

  /**
   * Every limit of the plan against the counts the workspace and files services hold, asked
   * for in the caller's name. A service that does not answer leaves its counts null: the
   * page still shows the plan.
   */
  private async usage(caller: VerifiedRpc<unknown>, plan: keyof typeof PLAN_LIMITS): Promise<Record<PlanLimitName, LimitUsage>> {
    const ctx: RpcContext = { requestId: caller.requestId, userId: caller.userId, accountId: caller.accountId, token: caller.token };
    const ask = <T>(call: Promise<T>) =>
      call.catch((error: unknown) => {
        this.logger.warn(`usage count unavailable: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      });
    const [workspace, files] = await Promise.all([
      ask(this.rpc.call(AccountUsageRpc.workspace, {}, ctx)),
      ask(this.rpc.call(AccountUsageRpc.files, {}, ctx)),
    ]);
    const limits = PLAN_LIMITS[plan];
    return {
      activeWorkspaces: { used: workspace?.activeWorkspaces ?? null, limit: limits.activeWorkspaces },
      membersPerWorkspace: { used: workspace?.maxMembersInWorkspace ?? null, limit: limits.membersPerWorkspace },
      milestonesPerMonth: { used: workspace?.milestonesProposedThisMonth ?? null, limit: limits.milestonesPerMonth },
      storageQuotaBytes: { used: files?.storageUsedBytes ?? null, limit: limits.storageQuotaBytes },
      maxFileSizeBytes: { used: null, limit: limits.maxFileSizeBytes },
    };
  }
}
