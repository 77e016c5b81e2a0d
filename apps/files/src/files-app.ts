import { INestApplication } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { verifierKeySet } from '@fpms/auth/auth-config';
import { createPlatformApp } from '@fpms/messaging/nest/platform-app';
import { FilesAppModule } from './app.module';
import { FilesEnv } from './config';

export function createFilesApp(env: FilesEnv, logger: PinoLogger): Promise<INestApplication> {
  return createPlatformApp('files', FilesAppModule.forRoot(env, verifierKeySet(env), logger), env, logger);
}
