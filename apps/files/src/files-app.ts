import { INestApplication } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { verifierKeySet } from '@fpms/auth/auth-config';
import { Clock } from '@fpms/common/scheduling/clock';
import { createPlatformApp } from '@fpms/platform/platform-app';
import { FilesAppModule } from './app.module';
import { FilesEnv } from './config';

export function createFilesApp(env: FilesEnv, logger: PinoLogger, options: { clock?: Clock } = {}): Promise<INestApplication> {
  return createPlatformApp('files', FilesAppModule.forRoot(env, verifierKeySet(env), logger, options), env, logger);
}
