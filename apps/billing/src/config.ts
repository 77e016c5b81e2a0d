import { z } from 'zod';
import { platformServiceEnvSchema } from '@fpms/platform/platform-env.schema';

/** Comma-separated secrets, several at once while one is rotated out. */
const secretList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((secret) => secret.trim())
      .filter(Boolean),
  );

export const billingEnvSchema = platformServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3004),
  /** Real Stripe's secret key, or the emulator's API key (tools/infra/platform-env sets it). */
  STRIPE_SECRET_KEY: z.string().min(1),
  /** Set only for the emulator (or a Stripe mock): where the API answers. */
  STRIPE_API_HOST: z.string().min(1).optional(),
  STRIPE_API_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  STRIPE_API_PROTOCOL: z.enum(['http', 'https']).default('https'),
  /** Signing secrets of the platform endpoint (`POST /webhooks/stripe`). */
  STRIPE_WEBHOOK_SECRETS: secretList,
  /** Signing secrets of the Connect endpoint (`POST /webhooks/stripe/connect`). */
  STRIPE_CONNECT_WEBHOOK_SECRETS: secretList,
  /** Seconds a signature's timestamp may be away from now (Stripe's default tolerance). */
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Calls billing makes to other services (the workspace's authorization and milestones). */
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(3000),
  /** How often each replica looks for releases that are due (approvals also wake it at once); 0 disables the loop. */
  RELEASE_POLL_MS: z.coerce.number().int().min(0).max(3_600_000).default(1000),
  /** First retry delay of a release that could not happen (doubling per attempt, at most an hour). */
  RELEASE_RETRY_BASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** How often each replica looks for chargebacks whose evidence billing submits now; 0 disables the loop. */
  CHARGEBACK_EVIDENCE_POLL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /** How long the owner has to answer the client's refund request before it is accepted automatically. */
  REFUND_REQUEST_WINDOW_DAYS: z.coerce.number().min(0).max(90).default(7),
  /** How often each replica accepts unanswered refund requests and retries refunds Stripe could not do; 0 disables the loop. */
  REFUND_POLL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /** Webhook processing: each replica's poll for due events (the intake also wakes it at once); 0 = only the wake-ups. */
  STRIPE_WEBHOOK_POLL_MS: z.coerce.number().int().min(0).max(600_000).default(1_000),
  /** Events one replica processes at once (each in its own transaction on the system pool). */
  STRIPE_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Due events read per claim round. */
  STRIPE_WEBHOOK_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(50),
  /** First retry of a failed event after this long, doubling per attempt... */
  STRIPE_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).max(86_400_000).default(10_000),
  /** ...up to this (then every this long, until it succeeds). */
  STRIPE_WEBHOOK_RETRY_MAX_MS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 86_400_000)
    .default(3_600_000),
  /** How often each replica tries to start a reconciliation (one runs at a time: an advisory lock); 0 disables the schedule. */
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(3_600_000),
  /** How far back the first reconciliation looks (later ones start where the last completed run started); Stripe keeps 30 days of events. */
  RECONCILE_LOOKBACK_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(3 * 86_400),
  /**
   * The Stripe Price of each paid plan and interval (libs/contracts PLAN_PRICES says what
   * they cost). Real Stripe: created in the Dashboard and configured by id; the emulator:
   * created at boot by `npm start` and the test harness (tools/billing/plan-prices.ts).
   * A plan without its Price cannot be bought (503 plan_price_not_configured).
   */
  STRIPE_PRICE_PRO_MONTH: z.string().min(1).optional(),
  STRIPE_PRICE_PRO_YEAR: z.string().min(1).optional(),
  STRIPE_PRICE_ENTERPRISE_MONTH: z.string().min(1).optional(),
  STRIPE_PRICE_ENTERPRISE_YEAR: z.string().min(1).optional(),
  /** Days a failed renewal leaves the account working (past_due) before it locks. */
  SUBSCRIPTION_GRACE_DAYS: z.coerce.number().min(0).max(60).default(7),
  /** How often each replica locks accounts whose grace period ended unpaid; 0 disables the loop. */
  SUBSCRIPTION_LOCK_POLL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /** How often each replica charges hourly weeks that are due (approvals and saved cards also wake it at once); 0 disables the loop. */
  HOURLY_CHARGE_POLL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /**
   * Seconds before each retry of a week whose charge failed, comma-separated; their number is
   * the number of retries (default: after 1, 3 and 5 days, then billing stops and willRetryAt
   * is null). A newly saved payment method retries at once in any case.
   */
  HOURLY_CHARGE_RETRY_DELAYS_SECONDS: z
    .string()
    .default('86400,259200,432000')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
        .map(Number),
    )
    .pipe(
      z
        .array(
          z
            .number()
            .int()
            .min(1)
            .max(30 * 86_400),
        )
        .max(20),
    ),
  /** Where Checkout and onboarding send the user back (the product's web app). */
  APP_PUBLIC_URL: z.url().default('http://127.0.0.1:3000'),
});
export type BillingEnv = z.infer<typeof billingEnvSchema>;
