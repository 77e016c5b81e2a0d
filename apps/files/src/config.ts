import { z } from 'zod';
import { platformServiceEnvSchema } from '@fpms/messaging/nest/platform-env.schema';

export const filesEnvSchema = platformServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
});
export type FilesEnv = z.infer<typeof filesEnvSchema>;
