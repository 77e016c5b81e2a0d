import { DynamicModule, Module } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { KeySet } from '@fpms/auth/key-set';
import { Clock } from '@fpms/common/scheduling/clock';
import { PlatformModule } from '@fpms/platform/platform.module';
import { BillingEnv } from './config';

/** The billing service. Its features arrive with their issues; the platform parts run now. */
@Module({})
export class BillingAppModule {
  static forRoot(env: BillingEnv, keys: KeySet, logger: PinoLogger, options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: BillingAppModule,
      imports: [PlatformModule.forRoot({ service: 'billing', env, keys, logger, entities: [], clock: options.clock })],
    };
  }
}
