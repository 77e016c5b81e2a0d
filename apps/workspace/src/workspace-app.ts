import { INestApplication } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { verifierKeySet } from '@fpms/auth/auth-config';
import { Clock } from '@fpms/common/scheduling/clock';
import { createPlatformApp } from '@fpms/platform/platform-app';
import { WorkspaceAppModule } from './app.module';
import { WorkspaceEnv } from './config';

/** Builds the workspace service (HTTP health + RPC server); main.ts and tests start it. */
export function createWorkspaceApp(env: WorkspaceEnv, logger: PinoLogger, options: { clock?: Clock } = {}): Promise<INestApplication> {
  return createPlatformApp('workspace', WorkspaceAppModule.forRoot(env, verifierKeySet(env), logger, options), env, logger);
}
