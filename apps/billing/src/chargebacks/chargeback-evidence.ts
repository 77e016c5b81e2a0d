import type { MilestoneActivity } from './milestone-activity.repository';

/** Stripe caps each evidence text field; longer trails are cut at the end, oldest steps kept. */
const FIELD_MAX = 20_000;
const cut = (text: string) => (text.length > FIELD_MAX ? `${text.slice(0, FIELD_MAX - 1)}…` : text);

/** The text fields of Stripe's dispute evidence that billing fills (all strings, as Stripe takes them). */
export interface ChargebackEvidence {
  product_description: string;
  service_date?: string;
  access_activity_log: string;
  uncategorized_text: string;
}

const STEP_WORDS: Record<string, string> = {
  'workspace.milestone.accepted': 'accepted the milestone',
  'workspace.milestone.funding_requested': 'started paying into escrow',
  'workspace.milestone.submitted': 'delivered the work',
  'workspace.milestone.changes_requested': 'asked for changes',
  'workspace.milestone.approved': 'approved the delivered work',
  'workspace.milestone.cancelled': 'cancelled the milestone',
  'workspace.milestone.refund_requested': 'asked for a refund',
  'workspace.milestone.dispute_opened': 'opened a dispute in the workspace',
  'workspace.milestone.dispute_withdrawn': 'withdrew the dispute in the workspace',
};

const who = (a: MilestoneActivity) => (a.actorUserId ? `user ${a.actorUserId}` : 'the system');
const iso = (d: Date) => d.toISOString();
/** The delivered file by name and version; a name billing never heard of is said to be unknown, not left out silently. */
const deliverable = (a: MilestoneActivity) =>
  a.deliverableFileName
    ? `deliverable file "${a.deliverableFileName}" (file version ${a.deliverableFileVersionId})`
    : `deliverable file version ${a.deliverableFileVersionId} (file name not known to billing)`;

/**
 * Evidence for a chargeback on a milestone's payment, from what the workspace recorded: the
 * agreed work and price, the client's acceptance and approval with their times, the delivered
 * file (name and pinned version), and every step in order. Pure: the same record gives the same evidence.
 */
export function assembleEvidence(
  milestone: { milestoneId: string; amount: number; currency: string },
  activity: MilestoneActivity[],
): ChargebackEvidence {
  const latest = activity[activity.length - 1];
  const accepted = activity.find((a) => a.eventType === 'workspace.milestone.accepted');
  const delivered = [...activity].reverse().find((a) => a.eventType === 'workspace.milestone.submitted');
  const approved = activity.find((a) => a.eventType === 'workspace.milestone.approved');

  const product = [
    `Milestone "${latest?.title ?? milestone.milestoneId}" (id ${milestone.milestoneId})`,
    latest?.description ? `Agreed scope: ${latest.description}` : null,
    `Agreed price: ${milestone.amount} ${milestone.currency} (minor units), paid into escrow before the work was released.`,
  ].filter((l): l is string => l !== null);

  const summary: string[] = [];
  if (accepted) summary.push(`The client (${who(accepted)}) accepted the milestone and its price at ${iso(accepted.occurredAt)}.`);
  if (delivered) {
    summary.push(
      `The freelancer delivered the work at ${iso(delivered.occurredAt)}` +
        (delivered.deliverableFileVersionId ? `: ${deliverable(delivered)}, pinned to the milestone.` : '.'),
    );
  }
  if (approved) {
    summary.push(
      approved.approvedBy === 'auto'
        ? `The client did not respond within the agreed review window; the work was approved automatically at ${iso(approved.occurredAt)}.`
        : `The client (${who(approved)}) approved the delivered work at ${iso(approved.occurredAt)}.`,
    );
  }
  if (summary.length === 0) summary.push('The milestone was paid into escrow; the activity log below lists every step recorded.');

  const trail = activity.map(
    (a) =>
      `${iso(a.occurredAt)} ${who(a)} ${STEP_WORDS[a.eventType] ?? a.eventType}` +
      (a.eventType === 'workspace.milestone.submitted' && a.deliverableFileVersionId ? `: ${deliverable(a)}` : '') +
      ` (status ${a.status}, version ${a.milestoneVersion})`,
  );

  return {
    product_description: cut(product.join('\n')),
    ...(approved
      ? { service_date: iso(approved.occurredAt).slice(0, 10) }
      : delivered
        ? { service_date: iso(delivered.occurredAt).slice(0, 10) }
        : {}),
    access_activity_log: cut(trail.join('\n') || 'No activity recorded.'),
    uncategorized_text: cut(summary.join('\n')),
  };
}
