export const APPROVAL_OPTIONS = Symbol('APPROVAL_OPTIONS');

export interface ApprovalOptions {
  /** Hours a gate waits before its approvers are reminded (APPROVAL_REMINDER_HOURS). */
  reminderHours: number;
  /** Hours a gate waits before the side's admin may pass it too, and is asked (APPROVAL_ESCALATION_HOURS). */
  escalationHours: number;
  /** The timer poller's interval; 0 disables its loop (tests call runOnce). */
  pollIntervalMs: number;
  leaseMs: number;
  batchSize: number;
}

const HOUR_MS = 3_600_000;

/** When the timer looks at a gate next: its reminder if still ahead, then its escalation; null when both are done. */
export function nextGateTimer(options: ApprovalOptions, gateOpenedAt: Date, now: Date, escalated: boolean): Date | null {
  if (escalated) return null;
  const reminder = new Date(gateOpenedAt.getTime() + options.reminderHours * HOUR_MS);
  const escalation = new Date(gateOpenedAt.getTime() + options.escalationHours * HOUR_MS);
  return reminder > now && reminder < escalation ? reminder : escalation;
}
