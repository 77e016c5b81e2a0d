import { z } from 'zod';
import { billingEnvSchema } from '../../apps/billing/src/config';
import { filesEnvSchema } from '../../apps/files/src/config';
import { gatewayEnvSchema } from '../../apps/gateway/src/config';
import { messagingEnvSchema } from '../../apps/messaging/src/config';
import { workspaceEnvSchema } from '../../apps/workspace/src/config';
import { ServiceName, SERVICE_NAMES } from '@fpms/database';

const SCHEMAS: Record<ServiceName, z.ZodObject> = {
  gateway: gatewayEnvSchema,
  workspace: workspaceEnvSchema,
  files: filesEnvSchema,
  messaging: messagingEnvSchema,
  billing: billingEnvSchema,
};

export interface ServiceEnvNeeds {
  /** Every variable the service reads (its config schema). */
  known: Set<string>;
  /**
   * What a deployment must set: variables with no default, and those whose default only
   * makes sense on a developer's machine (it names 127.0.0.1 or localhost).
   */
  required: Set<string>;
  /** HTTP_PORT's default, the port its health endpoints answer on. */
  defaultPort: number;
}

/** What each service's config schema says it needs, read from the schema itself. */
export function serviceEnvNeeds(): Record<ServiceName, ServiceEnvNeeds> {
  const out = {} as Record<ServiceName, ServiceEnvNeeds>;
  for (const service of SERVICE_NAMES) {
    const shape = SCHEMAS[service].shape as Record<string, z.ZodType>;
    const required = new Set<string>();
    for (const [name, schema] of Object.entries(shape)) {
      const absent = schema.safeParse(undefined);
      if (!absent.success) required.add(name);
      else if (/127\.0\.0\.1|localhost/.test(String(absent.data ?? ''))) required.add(name);
    }
    const port = (shape.HTTP_PORT as z.ZodType).parse(undefined) as number;
    out[service] = { known: new Set(Object.keys(shape)), required, defaultPort: port };
  }
  return out;
}
