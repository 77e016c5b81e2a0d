import { z } from 'zod';
import { authEnvSchema } from '@fpms/auth/auth-config';
import { serviceEnvSchema } from '@fpms/common/config/service-env';
import { databaseEnvSchema } from '@fpms/database/database-config';

/**
 * Housekeeping every service runs (and the gateway's and workspace's purges share the
 * interval). Inbox retention is at least a day: far longer than the retry chain (under
 * 3 minutes), so a redelivered message is still recognized as a duplicate.
 */
export const housekeepingEnvSchema = z.object({
  /** Each replica's purge round; 0 disables the schedule. */
  HOUSEKEEPING_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(3_600),
  /** Sent outbox rows are kept this long (unsent rows are never purged). */
  OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(7),
  /** Inbox rows (message ids already applied) are kept this long: duplicates within it are skipped. */
  INBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
});

/** Every variable a service process reads: HTTP, broker, database, token verification, housekeeping. */
export const platformServiceEnvSchema = serviceEnvSchema
  .extend(databaseEnvSchema.shape)
  .extend(authEnvSchema.shape)
  .extend(housekeepingEnvSchema.shape);
export type PlatformServiceEnv = z.infer<typeof platformServiceEnvSchema>;
