/** Events the workspace service publishes through its outbox. */
export const WorkspaceEvents = {
  accountCreated: 'workspace.account.created',
  workspaceCreated: 'workspace.workspace.created',
  memberAdded: 'workspace.member.added',
  memberRemoved: 'workspace.member.removed',
  memberRoleChanged: 'workspace.member.role_changed',
  milestoneProposed: 'workspace.milestone.proposed',
  milestoneDeclined: 'workspace.milestone.declined',
  milestoneAccepted: 'workspace.milestone.accepted',
  /** The client started paying: billing opens a checkout for it. */
  milestoneFundingRequested: 'workspace.milestone.funding_requested',
  milestoneSubmitted: 'workspace.milestone.submitted',
  milestoneChangesRequested: 'workspace.milestone.changes_requested',
  /** Approved by the client or automatically: billing releases the escrow on this. */
  milestoneApproved: 'workspace.milestone.approved',
  milestoneCancelled: 'workspace.milestone.cancelled',
  milestoneRefundRequested: 'workspace.milestone.refund_requested',
  milestoneDisputeOpened: 'workspace.milestone.dispute_opened',
  milestoneDisputeWithdrawn: 'workspace.milestone.dispute_withdrawn',
  /** The review window lapses soon: messaging reminds the client. */
  milestoneReviewReminder: 'workspace.milestone.review_reminder',
} as const;

/**
 * Data of every `workspace.milestone.*` event. The envelope's aggregateId is the milestone
 * id and aggregateVersion the milestone's version after the change.
 */
export interface MilestoneEventData {
  milestoneId: string;
  workspaceId: string;
  accountId: string;
  title: string;
  /** Integer minor units. */
  amount: number;
  currency: string;
  status: string;
  previousStatus: string | null;
  /** Null when the system acted (auto-approval, reminders). */
  actorUserId: string | null;
  deliverableFileVersionId: string | null;
  /** On approval: who approved. */
  approvedBy?: 'client' | 'auto';
  /** While submitted: when silence becomes approval. */
  reviewDueAt?: string | null;
  note?: string;
}

export interface WorkspaceCreatedData {
  workspaceId: string;
  accountId: string;
  name: string;
  createdBy: string;
}

export interface AccountCreatedData {
  accountId: string;
  name: string;
  plan: string;
}

export interface MemberChangedData {
  workspaceId: string;
  userId: string;
  role: string | null;
  previousRole: string | null;
}
