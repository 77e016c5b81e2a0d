import { z } from 'zod';
import { platformServiceEnvSchema } from '@fpms/messaging/nest/platform-env.schema';

export const workspaceEnvSchema = platformServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
});
export type WorkspaceEnv = z.infer<typeof workspaceEnvSchema>;
