import { DynamicModule, Module } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { KeySet } from '@fpms/auth/key-set';
import { Clock } from '@fpms/common/scheduling/clock';
import { eventConsumerProviders } from '@fpms/messaging/nest/event-consumer.lifecycle';
import { PlatformModule } from '@fpms/platform/platform.module';
import { rpcClientProviders } from '@fpms/messaging/nest/rpc-client.lifecycle';
import { FilesAccess } from './access/files-access';
import { CrossTenantCleanupRepository } from './cleanup/cross-tenant-cleanup.repository';
import { FilesJanitor } from './cleanup/files-janitor';
import { FILES_ENV, FilesEnv } from './config';
import { FilesController } from './files/files.controller';
import { FilesRepository } from './files/files.repository';
import { FilesService } from './files/files.service';
import { BillingDocumentsRepository } from './documents/billing-documents.repository';
import { BillingDocumentsSubscriber } from './documents/billing-documents.subscriber';
import { FilesEventsSubscriber } from './files-events.subscriber';
import { MilestoneDeliverablesSubscriber } from './pins/milestone-deliverables.subscriber';
import { PinsRepository } from './pins/pins.repository';
import { AccountStorageController } from './quota/account-storage.controller';
import { StorageUsageRepository } from './quota/storage-usage.repository';
import { ObjectStorage } from './storage/object-storage';
import { UploadsService } from './uploads/uploads.service';
import { IdempotencyKeysPurge } from '@fpms/database/idempotency-purge';
import { entitlementsProviders } from '@fpms/platform/entitlements';

import { PersonalDataArchivesRepository } from './personal-data/personal-data-archives.repository';
import { PersonalDataArchivesService } from './personal-data/personal-data-archives.service';
import { PersonalDataController } from './personal-data/personal-data.controller';

/** The files service: tenant-scoped object storage with presigned URLs, versions, quotas. */
@Module({})
export class FilesAppModule {
  static forRoot(env: FilesEnv, keys: KeySet, logger: PinoLogger, options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: FilesAppModule,
      imports: [PlatformModule.forRoot({ service: 'files', env, keys, logger, entities: [], clock: options.clock })],
      controllers: [FilesController, AccountStorageController, PersonalDataController],
      providers: [
        { provide: FILES_ENV, useValue: env },
        { provide: ObjectStorage, useFactory: () => ObjectStorage.fromEnv(env) },
        ...rpcClientProviders({ amqpUrl: env.AMQP_URL, timeoutMs: env.RPC_TIMEOUT_MS }),
        ...eventConsumerProviders('files', env.AMQP_URL, { subscriber: FilesEventsSubscriber }),
        // Plans: billing's entitlements projected here, read from memory on every upload.
        ...entitlementsProviders,
        MilestoneDeliverablesSubscriber,
        BillingDocumentsRepository,
        BillingDocumentsSubscriber,
        PinsRepository,
        StorageUsageRepository,
        FilesRepository,
        FilesAccess,
        FilesService,
        UploadsService,
        CrossTenantCleanupRepository,
        FilesJanitor,
        IdempotencyKeysPurge,
        PersonalDataArchivesRepository,
        PersonalDataArchivesService,
      ],
    };
  }
}
