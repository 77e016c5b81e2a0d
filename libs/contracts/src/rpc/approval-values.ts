/**
 * Actions an approval chain may stand in front of, and the side whose policy binds each: the
 * client's funding, approval and refund request; the freelancer side's submission.
 */
export const APPROVAL_ACTIONS = ['fund', 'approve', 'request_refund', 'submit'] as const;
export type ApprovalAction = (typeof APPROVAL_ACTIONS)[number];
export const APPROVAL_SIDE: Readonly<Record<ApprovalAction, 'client' | 'freelancer'>> = {
  fund: 'client',
  approve: 'client',
  request_refund: 'client',
  submit: 'freelancer',
};

/**
 * `pending` walks the gates; `approved` → the action happened; `rejected` at a gate, with a
 * reason; `cancelled` by the requester; `superseded` when the milestone moved on without it
 * (auto-approval, another member's decision) so the action no longer applies.
 */
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'cancelled', 'superseded'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
