import { z } from 'zod';
import { signerEnvSchema } from '@fpms/auth/auth-config';
import { env } from '@fpms/common/config/load-config';
import { platformServiceEnvSchema } from '@fpms/platform/platform-env.schema';
import { rateLimitRule, trustProxySetting } from './rate-limit/rate-limit.config';

export const gatewayEnvSchema = platformServiceEnvSchema.extend(signerEnvSchema.shape).extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Every RPC gives up after this long and answers 504. */
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
  /** Idle lifetime of a session: each refresh issues a token valid this long again. */
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** An ended session (every token expired or revoked) is deleted this long after it ended. */
  REFRESH_TOKEN_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(7),
  /** Rate-limit counters live here, shared by every gateway replica. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  RATE_LIMIT_PREFIX: env.string('fpms:'),
  /** Which proxies' X-Forwarded-For to believe for the client IP (see parseTrustProxy). */
  TRUST_PROXY: trustProxySetting,
  /** `<points>/<seconds>` per client IP, per account (attempts since the last success), per session. */
  RATE_LIMIT_LOGIN_IP: rateLimitRule('20/60'),
  RATE_LIMIT_LOGIN_ACCOUNT: rateLimitRule('10/900'),
  RATE_LIMIT_REFRESH_IP: rateLimitRule('60/60'),
  RATE_LIMIT_REFRESH_SESSION: rateLimitRule('30/60'),
  /** Signups (freelancer or through an invitation) per client IP. */
  RATE_LIMIT_SIGNUP_IP: rateLimitRule('20/600'),
  /** Messages one member may send in one workspace, and the whole workspace may receive. */
  RATE_LIMIT_MESSAGE_MEMBER: rateLimitRule('30/60'),
  RATE_LIMIT_MESSAGE_WORKSPACE: rateLimitRule('120/60'),
  /** Absolute lifetime of a session, however often it is refreshed (issue 18). */
  SESSION_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** The public web address links in security emails point at (messaging's APP_PUBLIC_URL). */
  APP_PUBLIC_URL: z.url().default('http://127.0.0.1:3000'),
  /** How long an email-verification link works. */
  EMAIL_VERIFICATION_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  /** How long a password-reset link works. */
  PASSWORD_RESET_TTL_MINUTES: z.coerce.number().int().min(5).max(1_440).default(60),
  /** How long the login's second step (the TOTP code) may follow the password. */
  LOGIN_CHALLENGE_TTL_SECONDS: z.coerce.number().int().min(30).max(3_600).default(300),
  /** Account owners must enable two-factor sign-in before Connect onboarding (payouts) and refunds. */
  OWNER_2FA_REQUIRED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Key material (hashed to an AES-256 key) the TOTP secrets are encrypted with at rest. */
  TOTP_ENCRYPTION_SECRET: z.string().min(16).default('fpms-local-totp-encryption-secret'),
  /** Second-step codes (TOTP or recovery) per user; verification/reset emails per address. */
  RATE_LIMIT_2FA_USER: rateLimitRule('10/900'),
  RATE_LIMIT_SECURITY_EMAIL: rateLimitRule('3/3600'),
  /** How often each replica looks for personal-data exports to gather (a request also starts one at once); 0 turns the poll off. */
  DATA_EXPORT_POLL_SECONDS: z.coerce.number().int().min(0).max(3_600).default(10),
  /** HMAC secret of email unsubscribe links: the same value as messaging's. */
  UNSUBSCRIBE_TOKEN_SECRET: z.string().min(16).default('fpms-local-unsubscribe-secret'),
});
export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;
