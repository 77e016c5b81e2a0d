import { DynamicModule, Module } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { KeySet } from '@fpms/auth/key-set';
import { PlatformModule } from '@fpms/messaging/nest/platform.module';
import { AccessController } from './access/access.controller';
import { WorkspaceAccess } from './access/workspace-access';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsRepository } from './accounts/accounts.repository';
import { AccountsService } from './accounts/accounts.service';
import { AccountEntity } from './accounts/entities/account.entity';
import { ActivityController } from './activity/activity.controller';
import { ActivityRecorder } from './activity/activity-recorder';
import { AdminAccessService } from './admin/admin-access.service';
import { AdminAuditRepository } from './admin/admin-audit.repository';
import { AdminController } from './admin/admin.controller';
import { CLOCK, systemClock } from './clock';
import { WorkspaceEnv } from './config';
import { InvitationsController } from './invitations/invitations.controller';
import { InvitationsRepository } from './invitations/invitations.repository';
import { InvitationsService } from './invitations/invitations.service';
import { MembersController } from './members/members.controller';
import { MembersRepository } from './members/members.repository';
import { MembersService } from './members/members.service';
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
      controllers: [AccessController, AccountsController, WorkspacesController, MembersController, InvitationsController, ActivityController, AdminController],
      providers: [
        { provide: CLOCK, useValue: systemClock },
        WorkspaceAccess,
        ActivityRecorder,
        AccountsRepository,
        AccountsService,
        WorkspacesRepository,
        WorkspacesService,
        MembersRepository,
        MembersService,
        InvitationsRepository,
        InvitationsService,
        AdminAuditRepository,
        AdminAccessService,
      ],
    };
  }
}
