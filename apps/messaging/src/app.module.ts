import { DynamicModule, Module } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { KeySet } from '@fpms/auth/key-set';
import { Clock } from '@fpms/common/scheduling/clock';
import { PlatformModule } from '@fpms/platform/platform.module';
import { MessagingEnv } from './config';

/** The messaging service. Its features arrive with their issues; the platform parts run now. */
@Module({})
export class MessagingAppModule {
  static forRoot(env: MessagingEnv, keys: KeySet, logger: PinoLogger, options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: MessagingAppModule,
      imports: [PlatformModule.forRoot({ service: 'messaging', env, keys, logger, entities: [], clock: options.clock })],
    };
  }
}
