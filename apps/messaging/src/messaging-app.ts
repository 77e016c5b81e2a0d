import { INestApplication } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { verifierKeySet } from '@fpms/auth/auth-config';
import { Clock } from '@fpms/common/scheduling/clock';
import { createPlatformApp } from '@fpms/platform/platform-app';
import { MessagingAppModule } from './app.module';
import { MessagingEnv } from './config';

export function createMessagingApp(env: MessagingEnv, logger: PinoLogger, options: { clock?: Clock } = {}): Promise<INestApplication> {
  return createPlatformApp('messaging', MessagingAppModule.forRoot(env, verifierKeySet(env), logger, options), env, logger);
}
