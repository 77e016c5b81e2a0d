import { Provider, Type } from '@nestjs/common';
import type { BillingEnv } from '../config';
import { AdminWebhookEventsController } from './admin-webhook-events.controller';
import { BillingAdminAuditRepository } from './billing-admin-audit.repository';
import { StripeEventDispatcher, WEBHOOK_RETRY_POLICY } from './stripe-event-dispatcher';
import { StripeSignatureVerifier } from './stripe-signature-verifier';
import { CrossTenantWebhookEventsRepository } from './webhook-events.repository';
import { WebhookEventsAdmin } from './webhook-events-admin.service';
import { WebhookIntake } from './webhook-intake.service';
import { WebhookIntakeController } from './webhook-intake.controller';
import type { WebhookRetryPolicy } from './webhook-retry';
import { WEBHOOK_PROCESSOR_OPTIONS, WebhookProcessor, WebhookProcessorOptions } from './webhook-processor';

/** Webhook intake (HTTP) and the admin list (RPC). */
export const webhookControllers: Type[] = [WebhookIntakeController, AdminWebhookEventsController];

/** Intake, processing and the admin read; handlers come from STRIPE_EVENT_HANDLERS (app.module). */
export function webhookProviders(env: BillingEnv): Provider[] {
  return [
    {
      provide: WEBHOOK_RETRY_POLICY,
      useValue: { baseMs: env.STRIPE_WEBHOOK_RETRY_BASE_MS, maxMs: env.STRIPE_WEBHOOK_RETRY_MAX_MS } satisfies WebhookRetryPolicy,
    },
    {
      provide: WEBHOOK_PROCESSOR_OPTIONS,
      useValue: {
        pollMs: env.STRIPE_WEBHOOK_POLL_MS,
        concurrency: env.STRIPE_WEBHOOK_CONCURRENCY,
        batchSize: env.STRIPE_WEBHOOK_BATCH_SIZE,
      } satisfies WebhookProcessorOptions,
    },
    CrossTenantWebhookEventsRepository,
    BillingAdminAuditRepository,
    StripeSignatureVerifier,
    StripeEventDispatcher,
    WebhookProcessor,
    WebhookIntake,
    WebhookEventsAdmin,
  ];
}
