/** Error codes of milestone payments (billing: funding, release, the payment view). */
export enum PaymentErrorCode {
  /** The freelancer's connected account cannot take payouts yet (onboarding incomplete, restricted or disconnected). */
  PayoutsNotEnabled = 'payouts_not_enabled',
  /** The milestone is not in a state that can be funded (it must be accepted, or already funding). */
  NotFundable = 'milestone_not_fundable',
  /** The milestone is billed on approval: it is never funded; the client pays it once approved (`…/pay`). */
  BilledOnApproval = 'milestone_billed_on_approval',
  /** Pay-now is for approved on-approval milestones only (escrowed ones are funded; others are not approved yet or already paid). */
  NotPayable = 'milestone_not_payable',
  /** No payment exists for this milestone yet. */
  PaymentNotFound = 'payment_not_found',
  /** Stripe did not answer in a way we can act on now; nothing was charged. */
  PaymentProviderUnavailable = 'payment_provider_unavailable',
  /** A refund larger than what is left of the payment (charged − refunded − refunds in progress); nothing changed. */
  RefundExceedsRemaining = 'refund_exceeds_remaining',
  /** Refunds wait while a chargeback is open on the payment (Stripe refuses them). */
  RefundBlockedByChargeback = 'refund_blocked_by_chargeback',
  /** No refund request is open for this milestone (none made, or already accepted or contested). */
  RefundRequestNotOpen = 'refund_request_not_open',
}
