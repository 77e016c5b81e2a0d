import type { EventEnvelope } from '../events/event-envelope';
import { BillingAccountEvents } from '../events/billing-account.events';
import { BillingConnectEvents } from '../events/billing-connect.events';
import { BillingPayoutEvents } from '../events/billing-payout.events';
import { BillingEvents } from '../events/billing.events';
import { FilesEvents } from '../events/files.events';
import { TimesheetEvents } from '../events/timesheet.events';
import { WorkspaceEvents } from '../events/workspace.events';
import { ALL_ROLES, AudienceRule, CLIENT_SIDE, FREELANCER_SIDE } from './notification-audience';

/**
 * Events mapped by name rather than through their producer's constant. Messages are
 * produced (messaging consumes its own `messaging.message.posted` for notifications);
 * mentions need `mentionedUserIds`, which messages do not carry yet; the dispute resolution
 * is produced by the workspace; invitations are announced as `workspace.member.added` on
 * acceptance, and `workspace.invitation.created` is not produced yet.
 */
export const UPCOMING_EVENTS = {
  messagePosted: 'messaging.message.posted',
  milestoneDisputeResolved: 'workspace.milestone.dispute_resolved',
  invitationCreated: 'workspace.invitation.created',
} as const;

/** Where a notification goes by default: in the app only, or in the app and by email (now, or in the daily digest). */
export const NOTIFICATION_CHANNELS = ['in_app', 'email', 'off'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
export const EMAIL_DELIVERIES = ['immediate', 'digest'] as const;
export type EmailDelivery = (typeof EMAIL_DELIVERIES)[number];

/** What a notification is about: the dedup window groups emails by (recipient, subject). */
export interface NotificationSubject {
  kind: 'milestone' | 'file' | 'member' | 'account' | 'thread' | 'time_week';
  id: string;
}

export interface NotificationTypeDefinition {
  type: string;
  /** The routing key of the event it is produced from. */
  event: string;
  /** Extra condition on the event (several types may come from one event). */
  when?: (data: EventFields, envelope: EventEnvelope) => boolean;
  audience: AudienceRule;
  defaultChannel: NotificationChannel;
  defaultDelivery: EmailDelivery;
  subject: (data: EventFields, envelope: EventEnvelope) => NotificationSubject;
  actor: (data: EventFields) => string | null;
  /** The users the event is about (audience `subject`). */
  subjectUsers?: (data: EventFields) => string[];
  /** One line, plain text; user-supplied parts are inserted raw and escaped by each renderer. */
  headline: (data: EventFields) => string;
  /** Once per recipient and key (default: the event id), for events that repeat a state. */
  dedupeKey?: (data: EventFields, envelope: EventEnvelope) => string;
}

/** The event data as the catalogue reads it: known fields, checked by the event's schema before we see it. */
export type EventFields = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const money = (d: EventFields) => {
  const amount = typeof d.amount === 'number' ? d.amount : 0;
  const currency = str(d.currency) || str((d.money as EventFields | undefined)?.currency);
  return `${(amount / 100).toFixed(2)} ${currency}`.trim();
};

const milestone = (d: EventFields): NotificationSubject => ({ kind: 'milestone', id: str(d.milestoneId) });
const file = (d: EventFields): NotificationSubject => ({ kind: 'file', id: str(d.fileId) });
const account = (_: EventFields, e: EventEnvelope): NotificationSubject => ({ kind: 'account', id: e.tenant.accountId });
/** A closed week of an hourly contract. */
const timeWeek = (d: EventFields): NotificationSubject => ({ kind: 'time_week', id: `${str(d.contractId)}:${str(d.weekStart)}` });
const minor = (amount: unknown, currency: unknown) =>
  `${((typeof amount === 'number' ? amount : 0) / 100).toFixed(2)} ${str(currency)}`.trim();
const milestoneActor = (d: EventFields) => strOrNull(d.actorUserId);
const system = () => null;

const everyoneButActor: AudienceRule = { roles: ALL_ROLES, exceptActor: true };
const freelancerSide: AudienceRule = { roles: FREELANCER_SIDE, exceptActor: true };
const clientSide: AudienceRule = { roles: CLIENT_SIDE, exceptActor: true };
const clientAdmins: AudienceRule = { roles: ['client_admin'], exceptActor: true };
const partiesToMoney: AudienceRule = { roles: ['owner', 'client_admin'], exceptActor: true };
const owners: AudienceRule = { accountOwners: true, exceptActor: false };
const workspaceOwner: AudienceRule = { roles: ['owner'], exceptActor: true };

type Def = Omit<NotificationTypeDefinition, 'defaultDelivery'> & { defaultDelivery?: EmailDelivery };

function milestoneType(
  type: string,
  event: string,
  audience: AudienceRule,
  verb: string,
  defaultChannel: NotificationChannel = 'email',
): Def {
  return {
    type,
    event,
    audience,
    defaultChannel,
    subject: milestone,
    actor: milestoneActor,
    headline: (d) => `Milestone "${str(d.title)}" ${verb}`,
  };
}

function billingType(type: string, event: string, audience: AudienceRule, text: (d: EventFields) => string, extra: Partial<Def> = {}): Def {
  return { type, event, audience, defaultChannel: 'email', subject: milestone, actor: system, headline: text, ...extra };
}

const ACTION_WORDS: Record<string, string> = {
  fund: 'funding',
  approve: 'approval',
  request_refund: 'refund request',
  submit: 'submission',
};

/** Approval chains: the current gate's approvers are asked; the requester hears the outcome. */
function approvalType(type: string, event: string, to: 'approvers' | 'requester', text: (d: EventFields, what: string) => string): Def {
  return {
    type,
    event,
    // Only members: an approver removed since the policy was written is asked nothing.
    audience: { subject: true, subjectsMustBeMembers: true, exceptActor: true },
    defaultChannel: 'email',
    subject: milestone,
    actor: (d) => strOrNull(d.actorUserId),
    subjectUsers: (d) => (to === 'approvers' ? ids(d.approverUserIds) : [str(d.requestedBy)]),
    headline: (d) => text(d, `the ${ACTION_WORDS[str(d.action)] ?? str(d.action)} of "${str(d.milestoneTitle)}" (${money(d)})`),
    // Asked once per gate and round: a reminder or an escalation of the same gate asks again.
    dedupeKey: (d, e) => `${str(d.requestId)}:${e.type}:${String(d.gate)}:${e.id}`,
  };
}

const definitions: Def[] = [
  milestoneType('milestone.proposed', WorkspaceEvents.milestoneProposed, clientSide, 'was proposed'),
  milestoneType('milestone.accepted', WorkspaceEvents.milestoneAccepted, freelancerSide, 'was accepted'),
  milestoneType('milestone.declined', WorkspaceEvents.milestoneDeclined, freelancerSide, 'was declined'),
  milestoneType('milestone.funding_started', WorkspaceEvents.milestoneFundingRequested, freelancerSide, 'is being paid for', 'in_app'),
  billingType(
    'milestone.funded',
    BillingEvents.milestoneFunded,
    everyoneButActor,
    (d) => `A milestone was funded: ${money(d)} held in escrow`,
  ),
  milestoneType('milestone.submitted', WorkspaceEvents.milestoneSubmitted, clientSide, 'was submitted for review'),
  milestoneType('milestone.changes_requested', WorkspaceEvents.milestoneChangesRequested, freelancerSide, 'needs changes'),
  milestoneType('milestone.approved', WorkspaceEvents.milestoneApproved, everyoneButActor, 'was approved'),
  milestoneType(
    'milestone.auto_approval_reminder',
    WorkspaceEvents.milestoneReviewReminder,
    clientAdmins,
    'will be approved automatically soon',
  ),
  milestoneType('milestone.cancelled', WorkspaceEvents.milestoneCancelled, everyoneButActor, 'was cancelled'),
  milestoneType('milestone.refund_requested', WorkspaceEvents.milestoneRefundRequested, freelancerSide, 'has a refund request'),
  milestoneType('milestone.disputed', WorkspaceEvents.milestoneDisputeOpened, partiesToMoney, 'is disputed'),
  milestoneType('milestone.dispute_withdrawn', WorkspaceEvents.milestoneDisputeWithdrawn, partiesToMoney, 'is no longer disputed'),
  milestoneType('milestone.dispute_resolved', UPCOMING_EVENTS.milestoneDisputeResolved, partiesToMoney, 'had its dispute resolved'),
  billingType(
    'milestone.released',
    BillingEvents.milestoneReleased,
    freelancerSide,
    (d) => `A milestone's payment was released: ${money(d)}`,
  ),
  billingType('milestone.refunded', BillingEvents.milestoneRefunded, everyoneButActor, (d) => `A milestone was refunded: ${money(d)}`),
  billingType('payment.failed', BillingEvents.milestonePaymentFailed, clientAdmins, () => 'A milestone payment failed: please try again'),
  billingType(
    'milestone.chargeback_opened',
    BillingEvents.milestoneDisputed,
    partiesToMoney,
    (d) => `A chargeback was opened: ${money(d)}`,
  ),
  billingType(
    'milestone.chargeback_closed',
    BillingEvents.milestoneDisputeClosed,
    partiesToMoney,
    (d) => `A chargeback was closed: ${str(d.outcome)}`,
  ),
  {
    type: 'member.joined',
    event: WorkspaceEvents.memberAdded,
    audience: { roles: ['owner', 'client_admin'], exceptActor: true },
    defaultChannel: 'in_app',
    subject: (d) => ({ kind: 'member', id: str(d.userId) }),
    // The joiner is the actor: an accepted invitation notifies the others, not them.
    actor: (d) => strOrNull(d.userId),
    headline: (d) => `A new member joined the workspace as ${str(d.role).replace('_', ' ')}`,
  },
  {
    type: 'member.removed',
    event: WorkspaceEvents.memberRemoved,
    audience: { subject: true, exceptActor: false },
    defaultChannel: 'email',
    subject: (d) => ({ kind: 'member', id: str(d.userId) }),
    actor: system,
    subjectUsers: (d) => [str(d.userId)],
    headline: () => 'You were removed from a workspace',
  },
  {
    type: 'member.role_changed',
    event: WorkspaceEvents.memberRoleChanged,
    audience: { subject: true, exceptActor: false },
    defaultChannel: 'in_app',
    subject: (d) => ({ kind: 'member', id: str(d.userId) }),
    actor: system,
    subjectUsers: (d) => [str(d.userId)],
    headline: (d) => `Your role is now ${str(d.role).replace('_', ' ')}`,
  },
  approvalType('approval.requested', WorkspaceEvents.approvalRequested, 'approvers', (_, what) => `Your sign-off is needed for ${what}`),
  approvalType(
    'approval.next_gate',
    WorkspaceEvents.approvalGateOpened,
    'approvers',
    (d, what) => `${what} passed a gate: your sign-off is needed ("${str(d.gateName)}")`,
  ),
  approvalType('approval.reminder', WorkspaceEvents.approvalReminder, 'approvers', (_, what) => `Still waiting for your sign-off: ${what}`),
  approvalType(
    'approval.escalated',
    WorkspaceEvents.approvalEscalated,
    'approvers',
    (_, what) => `An approval waited too long and was escalated to you: ${what}`,
  ),
  approvalType('approval.approved', WorkspaceEvents.approvalApproved, 'requester', (_, what) => `Every gate passed: ${what} went ahead`),
  approvalType(
    'approval.rejected',
    WorkspaceEvents.approvalRejected,
    'requester',
    (d, what) => `Rejected: ${what}. Reason: ${str(d.reason)}`,
  ),
  {
    type: 'invitation.received',
    event: UPCOMING_EVENTS.invitationCreated,
    audience: { subject: true, exceptActor: true },
    defaultChannel: 'email',
    subject: (d) => ({ kind: 'member', id: str(d.inviteeUserId) }),
    actor: (d) => strOrNull(d.invitedBy),
    subjectUsers: (d) => ids([d.inviteeUserId]),
    headline: () => 'You were invited to a workspace',
  },
  {
    type: 'file.shared',
    event: FilesEvents.versionReady,
    audience: everyoneButActor,
    defaultChannel: 'in_app',
    subject: file,
    actor: (d) => strOrNull(d.uploadedBy),
    headline: (d) => `File "${str(d.name)}" (version ${String(d.number ?? '')}) was shared`,
  },
  {
    type: 'file.deleted',
    event: FilesEvents.fileDeleted,
    audience: everyoneButActor,
    defaultChannel: 'in_app',
    subject: file,
    actor: (d) => strOrNull(d.deletedBy),
    headline: () => 'A file was deleted (it can be restored for a while)',
  },
  {
    type: 'file.restored',
    event: FilesEvents.fileRestored,
    audience: everyoneButActor,
    defaultChannel: 'in_app',
    subject: file,
    actor: (d) => strOrNull(d.restoredBy),
    headline: () => 'A deleted file was restored',
  },
  {
    type: 'message.posted',
    event: UPCOMING_EVENTS.messagePosted,
    when: (d) => d.internal !== true,
    audience: everyoneButActor,
    defaultChannel: 'email',
    defaultDelivery: 'digest',
    subject: (d) => ({ kind: 'thread', id: str(d.threadId) }),
    actor: (d) => strOrNull(d.authorUserId),
    headline: () => 'New message in your workspace',
  },
  {
    // Internal notes are the freelancer side's own: the client side is never told of them.
    type: 'internal_note.posted',
    event: UPCOMING_EVENTS.messagePosted,
    when: (d) => d.internal === true,
    audience: freelancerSide,
    defaultChannel: 'in_app',
    subject: (d) => ({ kind: 'thread', id: str(d.threadId) }),
    actor: (d) => strOrNull(d.authorUserId),
    headline: () => 'New internal note',
  },
  {
    type: 'message.mention',
    event: UPCOMING_EVENTS.messagePosted,
    when: (d) => ids(d.mentionedUserIds).length > 0,
    // Only mentioned users who are members and, for an internal note, on the freelancer side.
    audience: { subject: true, subjectsMustBeMembers: true, exceptActor: true },
    defaultChannel: 'email',
    subject: (d) => ({ kind: 'thread', id: str(d.threadId) }),
    actor: (d) => strOrNull(d.authorUserId),
    subjectUsers: (d) => ids(d.mentionedUserIds),
    // Its own key: the same event also gives the mentioned member the message's own notification.
    dedupeKey: (_d, e) => `mention:${e.id}`,
    headline: () => 'You were mentioned in a message',
  },
  // Hourly contracts' weekly cycle (issue 20, docs/time-tracking.md "Weekly cycle").
  {
    type: 'time_week.review_requested',
    event: TimesheetEvents.weekClosed,
    audience: clientAdmins,
    defaultChannel: 'email',
    subject: timeWeek,
    actor: system,
    headline: (d) =>
      `The week of ${str(d.weekStart)} is closed (${((Number(d.totalSeconds) || 0) / 3600).toFixed(2)} h): review it by ${str(d.reviewDueAt).slice(0, 10)}`,
  },
  {
    type: 'time_week.entry_disputed',
    event: TimesheetEvents.entryDisputed,
    audience: workspaceOwner,
    defaultChannel: 'email',
    subject: timeWeek,
    actor: (d) => strOrNull(d.actorUserId),
    headline: (d) => `A time entry of the week of ${str(d.weekStart)} was disputed: ${str(d.reason)}`,
  },
  {
    // Once per attempt: billing's retries each say so.
    type: 'time_week.payment_failed',
    event: TimesheetEvents.weekPaymentFailed,
    audience: clientAdmins,
    defaultChannel: 'email',
    subject: timeWeek,
    actor: system,
    headline: (d) =>
      `The payment of ${minor(d.amountMinor, d.currency)} for the hours of the week of ${str(d.weekStart)} failed: new time waits until it is paid`,
    dedupeKey: (d) => `time_week_failed:${str(d.contractId)}:${str(d.weekStart)}:${String(d.batch)}:${String(d.attempt)}`,
  },
  {
    type: 'time_week.paid',
    event: TimesheetEvents.weekPaid,
    audience: workspaceOwner,
    defaultChannel: 'email',
    subject: timeWeek,
    actor: system,
    headline: (d) => `The hours of the week of ${str(d.weekStart)} were paid: ${minor(d.transferredMinor, d.currency)} to you`,
    dedupeKey: (d) => `time_week_paid:${str(d.contractId)}:${str(d.weekStart)}:${String(d.batch)}`,
  },
  {
    type: 'connect.onboarding_needed',
    event: BillingConnectEvents.connectStatusChanged,
    when: (d) => d.status === 'pending' || d.status === 'restricted',
    audience: owners,
    defaultChannel: 'email',
    subject: account,
    actor: system,
    headline: () => 'Finish setting up payouts: Stripe needs more information',
    dedupeKey: (d) => `${str(d.status)}:${ids(d.requirements).sort().join(',')}`,
  },
  {
    type: 'connect.enabled',
    event: BillingConnectEvents.connectStatusChanged,
    when: (d) => d.status === 'enabled' && d.chargesEnabled === true && d.payoutsEnabled === true,
    audience: owners,
    defaultChannel: 'email',
    subject: account,
    actor: system,
    headline: () => 'Payouts are enabled: clients can fund your milestones',
    dedupeKey: () => 'enabled',
  },
  {
    // Once per payout (a redelivered or replayed failure notifies no one twice).
    type: 'payout.failed',
    event: BillingPayoutEvents.payoutFailed,
    audience: owners,
    defaultChannel: 'email',
    subject: account,
    actor: system,
    headline: (d) =>
      `A payout of ${money(d)} to your bank failed${d.failureMessage ? `: ${str(d.failureMessage).replace(/\.+$/, '')}` : ''}. The money is back on your Stripe balance`,
    dedupeKey: (d) => `payout_failed:${str(d.payoutId)}`,
  },
  {
    type: 'subscription.past_due',
    event: BillingAccountEvents.entitlementsChanged,
    when: (d) => d.standing === 'past_due',
    audience: owners,
    defaultChannel: 'email',
    subject: account,
    actor: system,
    headline: () => 'Your subscription payment failed: update your card to avoid a lock',
    dedupeKey: (d) => `past_due:${str(d.pastDueSince)}`,
  },
  {
    type: 'account.locked',
    event: BillingAccountEvents.entitlementsChanged,
    when: (d) => d.standing === 'locked',
    audience: owners,
    defaultChannel: 'email',
    subject: account,
    actor: system,
    headline: () => 'Your account is locked for new work until the subscription is paid',
    dedupeKey: (d) => `locked:${str(d.pastDueSince)}`,
  },
];

export const NOTIFICATION_CATALOGUE: readonly NotificationTypeDefinition[] = definitions.map((d) => ({
  ...d,
  defaultDelivery: d.defaultDelivery ?? 'immediate',
}));

export const NOTIFICATION_TYPES: readonly string[] = NOTIFICATION_CATALOGUE.map((d) => d.type);

export function notificationDefinition(type: string): NotificationTypeDefinition | undefined {
  return NOTIFICATION_CATALOGUE.find((d) => d.type === type);
}

/** The catalogue entries an event produces (none for most events). */
export function notificationsFor(envelope: EventEnvelope): NotificationTypeDefinition[] {
  const data = (envelope.data ?? {}) as EventFields;
  return NOTIFICATION_CATALOGUE.filter((d) => d.event === envelope.type && (!d.when || d.when(data, envelope)));
}
