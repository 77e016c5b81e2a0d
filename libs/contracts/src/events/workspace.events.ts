import { z } from 'zod';
import { MILESTONE_STATUS_VALUES } from '../rpc/milestones.rpc';
import { WORKSPACE_ROLE_VALUES } from '../rpc/workspace.rpc';
import { currencySchema } from './billing.events';

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
  /** An admin (or the response deadline) decided an in-app dispute: billing moves the money it names. */
  milestoneDisputeResolved: 'workspace.milestone.dispute_resolved',
  /** The review window lapses soon: messaging reminds the client. */
  milestoneReviewReminder: 'workspace.milestone.review_reminder',
  /** An action waits for an approval chain: its first gate's approvers are asked. */
  approvalRequested: 'workspace.approval.requested',
  /** A gate was passed and the next one opened: its approvers are asked. */
  approvalGateOpened: 'workspace.approval.gate_opened',
  /** The current gate's approvers are reminded (it has waited APPROVAL_REMINDER_HOURS). */
  approvalReminder: 'workspace.approval.reminder',
  /** The gate waited too long: the side's admins may pass it now, and are asked. */
  approvalEscalated: 'workspace.approval.escalated',
  /** The last gate was passed: the action happened. */
  approvalApproved: 'workspace.approval.approved',
  approvalRejected: 'workspace.approval.rejected',
  /** Time logged (a manual entry, or a stopped timer): billing's weekly cycle counts these. */
  timeEntryRecorded: 'workspace.time_entry.recorded',
  timeEntryUpdated: 'workspace.time_entry.updated',
  timeEntryDeleted: 'workspace.time_entry.deleted',
  hourlyContractProposed: 'workspace.hourly_contract.proposed',
  /** The client accepted the terms: billing collects the client's payment method for the weekly charges. */
  hourlyContractActivated: 'workspace.hourly_contract.activated',
  hourlyContractEnded: 'workspace.hourly_contract.ended',
} as const;

const milestoneStatus = z.enum(MILESTONE_STATUS_VALUES);
const role = z.enum(WORKSPACE_ROLE_VALUES);

/**
 * Data of every `workspace.milestone.*` event. The envelope's aggregateId is the milestone
 * id and aggregateVersion the milestone's version after the change.
 */
export const milestoneEventDataSchema = z.object({
  milestoneId: z.uuid(),
  workspaceId: z.uuid(),
  accountId: z.uuid(),
  title: z.string().min(1),
  /** What was agreed (billing keeps it as chargeback evidence). */
  description: z.string().nullable().optional(),
  /** Integer minor units. */
  amount: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  currency: currencySchema,
  status: milestoneStatus,
  previousStatus: milestoneStatus.nullable(),
  /** Null when the system acted (auto-approval, reminders). */
  actorUserId: z.uuid().nullable(),
  /** The version the milestone references now (null before its first submission). */
  deliverableFileVersionId: z.uuid().nullable(),
  /** On approval: who approved. */
  approvedBy: z.enum(['client', 'auto']).optional(),
  /** While submitted: when silence becomes approval. */
  reviewDueAt: z.iso.datetime({ offset: true }).nullable().optional(),
  note: z.string().optional(),
});
export type MilestoneEventData = z.infer<typeof milestoneEventDataSchema>;

const minorUnits = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * `workspace.milestone.dispute_resolved`: the milestone event's fields and the decision.
 * releaseAmount + refundAmount is what was escrowed when it was decided; billing refunds
 * its part first, then releases its part (the platform fee on the released part only).
 */
export const disputeResolvedDataSchema = milestoneEventDataSchema.extend({
  dispute: z.object({
    disputeId: z.uuid(),
    outcome: z.enum(['release', 'refund', 'split']),
    releaseAmount: minorUnits,
    refundAmount: minorUnits,
    resolvedBy: z.enum(['admin', 'deadline']),
  }),
});
export type DisputeResolvedData = z.infer<typeof disputeResolvedDataSchema>;

export const workspaceCreatedDataSchema = z.object({
  workspaceId: z.uuid(),
  accountId: z.uuid(),
  name: z.string().min(1),
  createdBy: z.uuid(),
});
export type WorkspaceCreatedData = z.infer<typeof workspaceCreatedDataSchema>;

export const accountCreatedDataSchema = z.object({
  accountId: z.uuid(),
  name: z.string().min(1),
  /** The plan the account starts on (consumers fall back to the default for a plan they do not know). */
  plan: z.string().min(1),
});
export type AccountCreatedData = z.infer<typeof accountCreatedDataSchema>;

/** `workspace.member.added|removed|role_changed`: `role` is null once removed, `previousRole` null on joining. */
export const memberChangedDataSchema = z.object({
  workspaceId: z.uuid(),
  userId: z.uuid(),
  role: role.nullable(),
  previousRole: role.nullable(),
});
export type MemberChangedData = z.infer<typeof memberChangedDataSchema>;

/**
 * Data of every `workspace.approval.*` event (aggregate: the request, its version the
 * request's after the change). `approverUserIds`: who may pass the current gate now (the
 * audience of the ask); the requester is told of the outcome.
 */
export const approvalEventDataSchema = z.object({
  requestId: z.uuid(),
  workspaceId: z.uuid(),
  milestoneId: z.uuid(),
  milestoneTitle: z.string().min(1),
  action: z.enum(['fund', 'approve', 'request_refund', 'submit']),
  status: z.enum(['pending', 'approved', 'rejected', 'cancelled', 'superseded']),
  requestedBy: z.uuid(),
  amount: minorUnits,
  currency: currencySchema,
  gate: z.number().int().nonnegative().nullable(),
  gateName: z.string().nullable(),
  approverUserIds: z.array(z.uuid()),
  actorUserId: z.uuid().nullable(),
  reason: z.string().nullable(),
});
export type ApprovalEventData = z.infer<typeof approvalEventDataSchema>;

/**
 * `workspace.time_entry.*` (aggregate: the entry, its version after the change; `deleted`
 * carries the entry as it was). Durations in whole seconds; day and week are the account's.
 */
export const timeEntryEventDataSchema = z.object({
  entryId: z.uuid(),
  workspaceId: z.uuid(),
  accountId: z.uuid(),
  userId: z.uuid(),
  startedAt: z.iso.datetime({ offset: true }),
  endedAt: z.iso.datetime({ offset: true }),
  durationSeconds: z.number().int().positive(),
  day: z.iso.date(),
  weekStart: z.iso.date(),
  taskId: z.uuid().nullable(),
  milestoneId: z.uuid().nullable(),
  source: z.enum(['manual', 'timer']),
  actorUserId: z.uuid(),
});
export type TimeEntryEventData = z.infer<typeof timeEntryEventDataSchema>;

/** `workspace.hourly_contract.*` (aggregate: the contract, its version after the change). */
export const hourlyContractEventDataSchema = z.object({
  contractId: z.uuid(),
  workspaceId: z.uuid(),
  accountId: z.uuid(),
  status: z.enum(['proposed', 'active', 'ended']),
  rateMinor: minorUnits,
  currency: currencySchema,
  weeklyCapHours: z.number().int().positive().nullable(),
  actorUserId: z.uuid(),
});
export type HourlyContractEventData = z.infer<typeof hourlyContractEventDataSchema>;

type Values<T> = T[keyof T];
type WorkspaceEventType = Values<typeof WorkspaceEvents>;
/** The `workspace.milestone.*` types. */
export type MilestoneEventType = Extract<WorkspaceEventType, `workspace.milestone.${string}`>;
/** The `workspace.member.*` types. */
export type MemberEventType = Extract<WorkspaceEventType, `workspace.member.${string}`>;

const milestoneEventTypes = Object.values(WorkspaceEvents).filter((t): t is MilestoneEventType => t.startsWith('workspace.milestone.'));

/** The data schema of each workspace event type: one definition for producer and consumers. */
export const workspaceEventDataSchemas = {
  [WorkspaceEvents.accountCreated]: accountCreatedDataSchema,
  [WorkspaceEvents.workspaceCreated]: workspaceCreatedDataSchema,
  [WorkspaceEvents.memberAdded]: memberChangedDataSchema,
  [WorkspaceEvents.memberRemoved]: memberChangedDataSchema,
  [WorkspaceEvents.memberRoleChanged]: memberChangedDataSchema,
  ...(Object.fromEntries(milestoneEventTypes.map((t) => [t, milestoneEventDataSchema])) as Record<
    MilestoneEventType,
    typeof milestoneEventDataSchema
  >),
  [WorkspaceEvents.milestoneDisputeResolved]: disputeResolvedDataSchema,
  [WorkspaceEvents.approvalRequested]: approvalEventDataSchema,
  [WorkspaceEvents.approvalGateOpened]: approvalEventDataSchema,
  [WorkspaceEvents.approvalReminder]: approvalEventDataSchema,
  [WorkspaceEvents.approvalEscalated]: approvalEventDataSchema,
  [WorkspaceEvents.approvalApproved]: approvalEventDataSchema,
  [WorkspaceEvents.approvalRejected]: approvalEventDataSchema,
  [WorkspaceEvents.timeEntryRecorded]: timeEntryEventDataSchema,
  [WorkspaceEvents.timeEntryUpdated]: timeEntryEventDataSchema,
  [WorkspaceEvents.timeEntryDeleted]: timeEntryEventDataSchema,
  [WorkspaceEvents.hourlyContractProposed]: hourlyContractEventDataSchema,
  [WorkspaceEvents.hourlyContractActivated]: hourlyContractEventDataSchema,
  [WorkspaceEvents.hourlyContractEnded]: hourlyContractEventDataSchema,
};
