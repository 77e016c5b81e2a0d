/** The lifecycle of a milestone: its statuses and the member commands that move it. */
export const MILESTONE_STATUS_VALUES = [
  'draft',
  'proposed',
  'accepted',
  'funding',
  'funded',
  'submitted',
  'changes_requested',
  'approved',
  'released',
  'cancelled',
  'refund_requested',
  'refunded',
  'disputed',
] as const;
export type MilestoneStatusValue = (typeof MILESTONE_STATUS_VALUES)[number];

/**
 * How a milestone is paid: `escrow` (funded before the work, held, released on approval) or
 * `on_approval` (never funded; the client pays once the work is approved, a destination
 * charge straight to the freelancer). Chosen while the milestone is a draft.
 */
export const MILESTONE_BILLING_MODES = ['escrow', 'on_approval'] as const;
export type MilestoneBillingMode = (typeof MILESTONE_BILLING_MODES)[number];

/** Member commands on a milestone; each is its own route and RPC pattern. */
export const MILESTONE_COMMAND_VALUES = [
  'propose',
  'decline',
  'accept',
  'start_funding',
  'submit',
  'request_changes',
  'approve',
  'cancel',
  'request_refund',
  'open_dispute',
  'withdraw_dispute',
] as const;
export type MilestoneCommandValue = (typeof MILESTONE_COMMAND_VALUES)[number];
