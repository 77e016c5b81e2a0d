import { z } from 'zod';
import { authEnvSchema } from '@fpms/auth/auth-config';
import { serviceEnvSchema } from '@fpms/common/config/service-env';
import { databaseEnvSchema } from '@fpms/database/database-config';

/** Every variable a service process reads: HTTP, broker, database, token verification. */
export const platformServiceEnvSchema = serviceEnvSchema.extend(databaseEnvSchema.shape).extend(authEnvSchema.shape);
export type PlatformServiceEnv = z.infer<typeof platformServiceEnvSchema>;
