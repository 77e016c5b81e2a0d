import { AppError } from '@fpms/common/errors/app-error';
import { SubscriptionErrorCode } from '@fpms/contracts/errors/subscriptions.errors';

export class SubscriptionError extends AppError<SubscriptionErrorCode> {
  static ownerRequired() {
    return new SubscriptionError(
      403,
      SubscriptionErrorCode.AccountOwnerRequired,
      "A plan belongs to a freelancer account: only the account's owner can see or change it",
    );
  }
  static noSubscription() {
    return new SubscriptionError(
      404,
      SubscriptionErrorCode.SubscriptionNotFound,
      'This account has no subscription (it is on the free plan)',
    );
  }
  static exists(status: string) {
    return new SubscriptionError(
      409,
      SubscriptionErrorCode.SubscriptionExists,
      'This account already has a subscription: change its plan instead',
      {
        status,
      },
    );
  }
  static notChangeable(reason: string) {
    return new SubscriptionError(409, SubscriptionErrorCode.SubscriptionNotChangeable, `The subscription cannot change now: ${reason}`, {
      reason,
    });
  }
  static unchanged(plan: string, interval: string) {
    return new SubscriptionError(409, SubscriptionErrorCode.PlanUnchanged, `The account is already on ${plan} (${interval})`, {
      plan,
      interval,
    });
  }
  static priceNotConfigured(plan: string, interval: string) {
    return new SubscriptionError(503, SubscriptionErrorCode.PriceNotConfigured, `${plan} (${interval}) cannot be bought right now`, {
      plan,
      interval,
    });
  }
  static stripeUnavailable() {
    return new SubscriptionError(503, SubscriptionErrorCode.StripeUnavailable, 'Stripe is not answering right now; try again in a moment');
  }
}
