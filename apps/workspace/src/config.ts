import { z } from 'zod';
import { platformServiceEnvSchema } from '@fpms/platform/platform-env.schema';

export const workspaceEnvSchema = platformServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /** How often each replica looks for lapsed review windows and due reminders; 0 disables the loop. */
  REVIEW_TIMER_POLL_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  /** How long a claimed timer stays away from other replicas. */
  REVIEW_TIMER_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  /** Calls to other services (the files service, to pin deliverables) give up after this long. */
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(3000),
  /**
   * `files`: a submission pins its deliverable in the files service (a missing, foreign or
   * unfinished version is refused). `off` stores the id unchecked — for running the
   * workspace service without a files service (milestone-only tests); never in production.
   */
  DELIVERABLE_PINNING: z.enum(['files', 'off']).default('files'),
  /** Days the side that did not open an in-app dispute has to answer with evidence; silence loses (docs/disputes.md). */
  DISPUTE_RESPONSE_DAYS: z.coerce.number().int().min(1).max(60).default(5),
  /** How often each replica looks for disputes past their response deadline; 0 disables the loop. */
  DISPUTE_DEADLINE_POLL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /** Hours an approval gate waits before its approvers are reminded (docs/approvals.md). */
  APPROVAL_REMINDER_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  /** Hours an approval gate waits before the side's admin may pass it too (escalation). */
  APPROVAL_ESCALATION_HOURS: z.coerce.number().int().min(1).max(2160).default(72),
  /** How often each replica looks for approval gates due a reminder or escalation; 0 disables the loop. */
  APPROVAL_TIMER_POLL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /** Days the client has to review a closed week of an hourly contract; then it is approved as it is (docs/time-tracking.md). */
  TIME_WEEK_REVIEW_DAYS: z.coerce.number().int().min(1).max(30).default(5),
  /** How often each replica closes ended weeks (Monday 00:00, the account's time zone) and approves lapsed reviews; 0 disables the loop. */
  TIME_WEEK_POLL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /** An invitation that can no longer be used (expired or revoked) is deleted this long after that. */
  INVITATION_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
});
export type WorkspaceEnv = z.infer<typeof workspaceEnvSchema>;
