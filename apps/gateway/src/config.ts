import { z } from 'zod';
import { signerEnvSchema } from '@fpms/auth/auth-config';
import { platformServiceEnvSchema } from '@fpms/messaging/nest/platform-env.schema';

export const gatewayEnvSchema = platformServiceEnvSchema.extend(signerEnvSchema.shape).extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Every RPC gives up after this long and answers 504. */
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),
});
export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;
