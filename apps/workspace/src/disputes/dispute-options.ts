export const DISPUTE_OPTIONS = Symbol('DISPUTE_OPTIONS');

export interface DisputeOptions {
  /** Days the side that did not open a dispute has to answer it with evidence (DISPUTE_RESPONSE_DAYS). */
  responseDays: number;
  /** The deadline poller's interval; 0 disables its loop (tests call runOnce). */
  pollIntervalMs: number;
  /** How long a claimed dispute stays away from other replicas. */
  leaseMs: number;
  batchSize: number;
}
