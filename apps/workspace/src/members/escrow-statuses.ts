import { MilestoneStatusValue } from '@fpms/contracts';

/**
 * Money is on its way into escrow or sits there waiting for a decision only a client admin
 * (or a dispute's end) can make. While any milestone is in one of these, the workspace's
 * last client admin can neither leave nor be demoted: with no client admin, the review
 * timer would approve the freelancer's work for nobody.
 */
export const AWAITING_CLIENT_DECISION: readonly MilestoneStatusValue[] = ['funding', 'funded', 'submitted', 'changes_requested', 'refund_requested', 'disputed'];

/** The client has paid for the milestone and has not been refunded: its deliverable is theirs to keep. */
export const PAID_FOR: readonly MilestoneStatusValue[] = ['funded', 'submitted', 'changes_requested', 'approved', 'released', 'refund_requested', 'disputed'];
