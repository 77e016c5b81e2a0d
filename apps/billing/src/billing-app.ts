import { INestApplication } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { verifierKeySet } from '@fpms/auth/auth-config';
import { createPlatformApp } from '@fpms/platform/platform-app';
import { BillingAppModule, BillingAppOptions } from './app.module';
import { BillingEnv } from './config';

export function createBillingApp(env: BillingEnv, logger: PinoLogger, options: BillingAppOptions = {}): Promise<INestApplication> {
  return createPlatformApp('billing', BillingAppModule.forRoot(env, verifierKeySet(env), logger, options), env, logger, { rawBody: true });
}
