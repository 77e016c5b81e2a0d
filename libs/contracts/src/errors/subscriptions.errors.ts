/** Error codes of plans and subscriptions (billing). */
export enum SubscriptionErrorCode {
  /** Only an account's owner (a token acting for a freelancer account) buys or changes its plan. */
  AccountOwnerRequired = 'subscription_account_owner_required',
  /** The account has no subscription to change or cancel (it is on the free plan). */
  SubscriptionNotFound = 'subscription_not_found',
  /** Checkout while a subscription runs: change it instead. */
  SubscriptionExists = 'subscription_exists',
  /** The subscription cannot change now (its renewal is unpaid, or it is ending or incomplete). */
  SubscriptionNotChangeable = 'subscription_not_changeable',
  /** The requested plan and interval are what the account already has (or will have). */
  PlanUnchanged = 'plan_unchanged',
  /** No Stripe Price is configured for that plan and interval (STRIPE_PRICE_<PLAN>_<INTERVAL>). */
  PriceNotConfigured = 'plan_price_not_configured',
  /** Stripe did not answer (or refused): retry later. */
  StripeUnavailable = 'subscription_stripe_unavailable',
}
