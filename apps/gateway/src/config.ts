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
  /** HMAC secret of email unsubscribe links: the same value as messaging's. */
  UNSUBSCRIBE_TOKEN_SECRET: z.string().min(16).default('fpms-local-unsubscribe-secret'),
});
export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;
