import { Inject, Injectable } from '@nestjs/common';
import { BillingAccountEvents } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import type { SystemManager } from '@fpms/database/tenant-manager';
import { OutboxWriter } from '@fpms/messaging/events/outbox-writer';
import { BillingAccountsRepository } from '../accounts/billing-accounts.repository';
import { entitlementsOf, sameEntitlements } from './entitlements';
import { SubscriptionRecord, SubscriptionsRepository } from './subscriptions.repository';

/**
 * The one way subscription state is written (webhook processing and the lock timer, on the
 * row's lock): when the plan or the standing changes, the entitlements' version goes up by
 * one, billing's own plan (the platform fee) follows, and `billing.entitlements.changed`
 * (plus `billing.account.plan_changed` when the plan moved) enters the outbox — all in the
 * caller's transaction, so the state and its events commit together or not at all.
 */
@Injectable()
export class SubscriptionStateWriter {
  constructor(
    private readonly subscriptions: SubscriptionsRepository,
    private readonly accounts: BillingAccountsRepository,
    private readonly outbox: OutboxWriter,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async write(manager: SystemManager, before: SubscriptionRecord, after: SubscriptionRecord): Promise<SubscriptionRecord> {
    if (sameEntitlements(before, after)) {
      const next = { ...after, entitlementsVersion: before.entitlementsVersion };
      await this.subscriptions.save(manager, next);
      return next;
    }
    const next = { ...after, entitlementsVersion: before.entitlementsVersion + 1 };
    await this.subscriptions.save(manager, next);
    const envelope = {
      tenant: { accountId: next.accountId },
      aggregateId: next.accountId,
      aggregateVersion: next.entitlementsVersion,
      occurredAt: this.clock.now().toISOString(),
    };
    await this.outbox.add(manager, {
      type: BillingAccountEvents.entitlementsChanged,
      ...envelope,
      data: entitlementsOf(next.accountId, next),
    });
    if (before.plan !== next.plan) {
      await this.accounts.setPlan(manager, next.accountId, next.plan);
      await this.outbox.add(manager, {
        type: BillingAccountEvents.accountPlanChanged,
        ...envelope,
        data: { accountId: next.accountId, plan: next.plan, previousPlan: before.plan },
      });
    }
    return next;
  }
}
