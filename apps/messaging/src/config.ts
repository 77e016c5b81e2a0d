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
});
export type MessagingEnv = z.infer<typeof messagingEnvSchema>;

export const MESSAGING_ENV = Symbol('MESSAGING_ENV');
