import { FIELD_LIMITS } from './field-limits';
import { OneOf, Optional, QueryInt, Text } from './field-decorators';

/**
 * Where a stored Stripe event is: `received` (waiting for processing, or for its first
 * attempt after a crash), `processed` (every handler ran and committed with the mark),
 * `failed` (a handler threw; retried at `nextAttemptAt`), `ignored` (no handler takes
 * its type: stored and acknowledged, nothing to do).
 */
export const WEBHOOK_EVENT_STATUSES = ['received', 'processed', 'failed', 'ignored'] as const;
export type WebhookEventStatus = (typeof WEBHOOK_EVENT_STATUSES)[number];

/** `GET /api/v1/admin/billing/webhook-events`: failed events by default, newest first. */
export class AdminWebhookEventsQuery {
  @Optional()
  @OneOf(WEBHOOK_EVENT_STATUSES)
  status: WebhookEventStatus = 'failed';

  @Optional()
  @QueryInt({ min: 1, max: FIELD_LIMITS.webhookEventListLimit.max })
  limit: number = FIELD_LIMITS.webhookEventListLimit.default;
}

/** The RPC: the query plus the reason the platform admin gave (it goes into billing's audit row). */
export class AdminWebhookEventsRequest extends AdminWebhookEventsQuery {
  @Text(FIELD_LIMITS.adminReasonLength)
  reason!: string;
}
