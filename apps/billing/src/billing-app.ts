import { INestApplication } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { verifierKeySet } from '@fpms/auth/auth-config';
import { createPlatformApp } from '@fpms/messaging/nest/platform-app';
import { BillingAppModule } from './app.module';
import { BillingEnv } from './config';

export function createBillingApp(env: BillingEnv, logger: PinoLogger): Promise<INestApplication> {
  return createPlatformApp('billing', BillingAppModule.forRoot(env, verifierKeySet(env), logger), env, logger, { rawBody: true });
}
