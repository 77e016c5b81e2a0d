import { AdminWebhookEventsRequest, WebhookEventStatus } from '../requests/billing-webhooks.requests';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('billing');

/** A stored Stripe event as the admin list shows it (never the payload: it holds customers' details). */
export interface WebhookEventView {
  id: string;
  source: 'platform' | 'connect';
  type: string;
  /** The connected account (`acct_…`) of a Connect event, else null. */
  stripeAccountId: string | null;
  livemode: boolean;
  /** Stripe's `created`. */
  stripeCreatedAt: string;
  status: WebhookEventStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  receivedAt: string;
  processedAt: string | null;
}

export const BillingWebhooksRpc = {
  /** Platform admins only; billing writes its audit row in the transaction that reads. */
  adminListEvents: rpcPattern<{ items: WebhookEventView[]; auditId: string }>()(
    queue,
    'billing.admin.webhook-events.list',
    AdminWebhookEventsRequest,
  ),
} as const;
