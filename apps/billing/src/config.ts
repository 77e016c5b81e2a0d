import { z } from 'zod';
import { platformServiceEnvSchema } from '@fpms/platform/platform-env.schema';

export const billingEnvSchema = platformServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3004),
});
export type BillingEnv = z.infer<typeof billingEnvSchema>;
