import { z } from 'zod';
import { platformServiceEnvSchema } from '@fpms/platform/platform-env.schema';

export const messagingEnvSchema = platformServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
});
export type MessagingEnv = z.infer<typeof messagingEnvSchema>;
