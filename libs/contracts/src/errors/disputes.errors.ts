/** Error codes of in-app disputes (workspace). */
export enum DisputeErrorCode {
  DisputeNotFound = 'dispute_not_found',
  /** Resolved, withdrawn, or past its response deadline: no more evidence. */
  DisputeClosed = 'dispute_closed',
  EvidenceEmpty = 'dispute_evidence_empty',
  /** A file version or activity entry that is not this workspace's (or not finished). */
  EvidenceRejected = 'dispute_evidence_rejected',
  /** Split amounts that do not sum to the escrow, or nothing left in escrow. */
  ResolutionInvalid = 'dispute_resolution_invalid',
}
