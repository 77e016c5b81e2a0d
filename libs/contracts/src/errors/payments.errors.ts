/** Error codes of milestone payments (billing: funding, release, the payment view). */
export enum PaymentErrorCode {
  /** The freelancer's connected account cannot take payouts yet (onboarding incomplete, restricted or disconnected). */
  PayoutsNotEnabled = 'payouts_not_enabled',
  /** The milestone is not in a state that can be funded (it must be accepted, or already funding). */
  NotFundable = 'milestone_not_fundable',
  /** No payment exists for this milestone yet. */
  PaymentNotFound = 'payment_not_found',
  /** Stripe did not answer in a way we can act on now; nothing was charged. */
  PaymentProviderUnavailable = 'payment_provider_unavailable',
}
