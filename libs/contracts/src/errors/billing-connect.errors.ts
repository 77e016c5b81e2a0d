/** Error codes of Stripe Connect onboarding and account state (billing). */
export enum ConnectErrorCode {
  /** Only an account's owner (a token acting for a freelancer account) manages its payouts. */
  AccountOwnerRequired = 'connect_account_owner_required',
  /** Stripe reported the platform's access to the connected account revoked: it cannot be used again. */
  AccountDeauthorized = 'connect_account_deauthorized',
  /** Stripe did not answer (or refused) while onboarding: retry later. */
  StripeUnavailable = 'connect_stripe_unavailable',
}
