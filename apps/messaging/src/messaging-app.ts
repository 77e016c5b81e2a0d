import { INestApplication } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { verifierKeySet } from '@fpms/auth/auth-config';
import { createPlatformApp } from '@fpms/messaging/nest/platform-app';
import { MessagingAppModule } from './app.module';
import { MessagingEnv } from './config';

export function createMessagingApp(env: MessagingEnv, logger: PinoLogger): Promise<INestApplication> {
  return createPlatformApp('messaging', MessagingAppModule.forRoot(env, verifierKeySet(env), logger), env, logger);
}
