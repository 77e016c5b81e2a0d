import { DynamicModule, Module } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { KeySet } from '@fpms/auth/key-set';
import { PlatformModule } from '@fpms/messaging/nest/platform.module';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsRepository } from './accounts/accounts.repository';
import { AccountsService } from './accounts/accounts.service';
import { AccountEntity } from './accounts/entities/account.entity';
import { WorkspaceEnv } from './config';
import { WorkspaceEntity } from './workspaces/entities/workspace.entity';
import { WorkspacesController } from './workspaces/workspaces.controller';
import { WorkspacesRepository } from './workspaces/workspaces.repository';
import { WorkspacesService } from './workspaces/workspaces.service';

@Module({})
export class WorkspaceAppModule {
  static forRoot(env: WorkspaceEnv, keys: KeySet, logger: PinoLogger): DynamicModule {
    return {
      module: WorkspaceAppModule,
      imports: [PlatformModule.forRoot({ service: 'workspace', env, keys, logger, entities: [AccountEntity, WorkspaceEntity] })],
      controllers: [AccountsController, WorkspacesController],
      providers: [AccountsRepository, AccountsService, WorkspacesRepository, WorkspacesService],
    };
  }
}
