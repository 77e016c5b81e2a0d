import { MigrationInterface } from 'typeorm';
import { ServiceName } from '@fpms/database/service-names';
import { billingMigrations } from '../../apps/billing/migrations';
import { filesMigrations } from '../../apps/files/migrations';
import { gatewayMigrations } from '../../apps/gateway/migrations';
import { messagingMigrations } from '../../apps/messaging/migrations';
import { workspaceMigrations } from '../../apps/workspace/migrations';

/** Each service's migrations; each service owns its own (DESIGN §7). */
export const serviceMigrations: Record<ServiceName, Array<new () => MigrationInterface>> = {
  gateway: gatewayMigrations,
  workspace: workspaceMigrations,
  files: filesMigrations,
  messaging: messagingMigrations,
  billing: billingMigrations,
};
