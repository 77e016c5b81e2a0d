import { z } from 'zod';
import { platformServiceEnvSchema } from '@fpms/platform/platform-env.schema';

export const messagingEnvSchema = platformServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  /** Calls to the workspace and files services (authorization, attachments) give up after this long; below the gateway's timeout. */
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(3000),
  /** How long after posting its author may edit a message. */
  MESSAGE_EDIT_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(15),
  /** Where email is sent: `npm start` runs a local sink on 1025 (tools/dev/mail-sink.ts). */
  SMTP_URL: z.string().min(1).default('smtp://127.0.0.1:1025'),
  EMAIL_FROM: z.string().min(3).default('FPMS <notifications@fpms.local>'),
  /** The public web address links in emails point at (the gateway's, in production behind HTTPS). */
  APP_PUBLIC_URL: z.url().default('http://127.0.0.1:3000'),
  /** HMAC secret of unsubscribe links; the gateway verifies them with the same value. */
  UNSUBSCRIBE_TOKEN_SECRET: z.string().min(16).default('fpms-local-unsubscribe-secret'),
  /** A burst about one thing (same user, same subject) within this window becomes one email. */
  NOTIFICATION_EMAIL_DEDUP_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
  /** Email worker poll interval; 0 disables the loop (tests call runOnce). */
  EMAIL_WORKER_INTERVAL_MS: z.coerce.number().int().min(0).default(2_000),
  /** Attempts before an email is kept as failed (backoff doubles from EMAIL_RETRY_BASE_MS). */
  EMAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
  EMAIL_RETRY_BASE_MS: z.coerce.number().int().min(0).default(30_000),
  /** Daily-digest scheduler poll interval; 0 disables the loop. */
  DIGEST_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
});
export type MessagingEnv = z.infer<typeof messagingEnvSchema>;

export const MESSAGING_ENV = Symbol('MESSAGING_ENV');
