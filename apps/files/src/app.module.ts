import { DynamicModule, Module } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { KeySet } from '@fpms/auth/key-set';
import { PlatformModule } from '@fpms/messaging/nest/platform.module';
import { FilesEnv } from './config';

/** The files service. Its features arrive with their issues; the platform parts run now. */
@Module({})
export class FilesAppModule {
  static forRoot(env: FilesEnv, keys: KeySet, logger: PinoLogger): DynamicModule {
    return {
      module: FilesAppModule,
      imports: [PlatformModule.forRoot({ service: 'files', env, keys, logger, entities: [] })],
    };
  }
}
