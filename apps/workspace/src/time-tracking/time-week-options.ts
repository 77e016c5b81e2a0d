export const TIME_WEEK_OPTIONS = Symbol('TIME_WEEK_OPTIONS');

export interface TimeWeekOptions {
  /** Days the client has to accept or dispute a closed week. */
  reviewDays: number;
  /** Days the freelancer's owner has to answer a disputed entry (the milestone disputes' DISPUTE_RESPONSE_DAYS). */
  disputeResponseDays: number;
  /** Poll interval; 0 disables the background loops (tests call runOnce). */
  pollIntervalMs: number;
  leaseMs: number;
  batchSize: number;
}
