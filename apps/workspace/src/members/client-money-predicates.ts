/**
 * SQL predicates on a `milestones` row (alias `m`), read from billing's money state and the
 * work status rather than from the visible status, which hides money behind a freeze.
 *
 * Awaiting a client decision: funding has started, money sits in escrow (charged and neither
 * released nor refunded), or a freeze is on. While any milestone is so, the workspace's last
 * client admin can neither leave nor be demoted: with no client admin, the review timer would
 * approve the freelancer's work for nobody.
 */
export const AWAITING_CLIENT_DECISION_SQL = `(m.work_status = 'funding'
  or m.money_charged > m.money_released + m.money_refunded
  or m.dispute_opened_by is not null or m.money_disputed > 0)`;

/** The client has paid for the milestone and has not been refunded in full: its deliverable is theirs to keep. */
export const PAID_FOR_SQL = `(m.money_charged > m.money_refunded)`;
