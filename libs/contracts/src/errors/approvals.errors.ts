/** Error codes of approval chains (workspace). */
export enum ApprovalErrorCode {
  ApprovalNotFound = 'approval_not_found',
  /** Approved, rejected, cancelled or superseded already. */
  ApprovalNotPending = 'approval_not_pending',
  /** The request is at another gate than the one the approver named. */
  ApprovalGateMoved = 'approval_gate_moved',
  /** The caller may not pass this gate (role or name not on it). */
  NotAnApprover = 'approval_not_an_approver',
  /** Nobody passes a gate of their own request. */
  OwnRequest = 'approval_own_request',
  /** A member passes at most one gate of a request. */
  AlreadyDecided = 'approval_already_decided',
  /** Only the requester cancels. */
  NotRequester = 'approval_not_requester',
  /** A policy naming a non-member, a member of the other side, or a role of the other side. */
  PolicyInvalid = 'approval_policy_invalid',
  PolicyNotFound = 'approval_policy_not_found',
}
