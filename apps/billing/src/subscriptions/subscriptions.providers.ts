import type { BillingEnv } from '../config';
import { PlanPrices } from './plan-prices';
import { StripeSubscriptions } from './stripe-subscriptions';
import { SUBSCRIPTION_LOCKOUT_OPTIONS, SubscriptionLockoutOptions, SubscriptionLockoutWorker } from './subscription-lockout.worker';
import { SubscriptionStateWriter } from './subscription-state-writer';
import { SubscriptionsRepository } from './subscriptions.repository';
import { SubscriptionsService } from './subscriptions.service';

/** Plans and subscriptions (the controller and the webhook handler are registered in app.module). */
export function subscriptionProviders(env: BillingEnv) {
  const lockout: SubscriptionLockoutOptions = { pollIntervalMs: env.SUBSCRIPTION_LOCK_POLL_MS, batchSize: 50 };
  return [
    PlanPrices,
    StripeSubscriptions,
    SubscriptionsRepository,
    SubscriptionStateWriter,
    SubscriptionsService,
    { provide: SUBSCRIPTION_LOCKOUT_OPTIONS, useValue: lockout },
    SubscriptionLockoutWorker,
  ];
}
