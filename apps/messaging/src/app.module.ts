import { DynamicModule, Module } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { KeySet } from '@fpms/auth/key-set';
import { Clock } from '@fpms/common/scheduling/clock';
import { IdempotencyKeysPurge } from '@fpms/database/idempotency-purge';
import { eventConsumerProviders } from '@fpms/messaging/nest/event-consumer.lifecycle';
import { rpcClientProviders } from '@fpms/messaging/nest/rpc-client.lifecycle';
import { PlatformModule } from '@fpms/platform/platform.module';
import { entitlementsProviders } from '@fpms/platform/entitlements';
import { MESSAGING_ENV, MessagingEnv } from './config';
import { MessagingEventsSubscriber } from './messaging-events.subscriber';
import { NotificationsModule } from './notifications/notifications.module';
import { ReadStateRepository } from './read-state/read-state.repository';
import { ReadStateService } from './read-state/read-state.service';
import { MessageEvents } from './threads/message-events';
import { ThreadAccess } from './threads/thread-access';
import { ThreadsController } from './threads/threads.controller';
import { PersonalDataController } from './personal-data/personal-data.controller';
import { PersonalDataRepository } from './personal-data/personal-data.repository';
import { ThreadsRepository } from './threads/threads.repository';
import { ThreadsService } from './threads/threads.service';
import { WorkspaceThreadsSubscriber } from './threads/workspace-threads.subscriber';

/** The messaging service: threads, messages and read state; notifications and email. */
@Module({})
export class MessagingAppModule {
  static forRoot(env: MessagingEnv, keys: KeySet, logger: PinoLogger, options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: MessagingAppModule,
      imports: [
        PlatformModule.forRoot({ service: 'messaging', env, keys, logger, entities: [], clock: options.clock }),
        NotificationsModule.forRoot(env),
      ],
      controllers: [ThreadsController, PersonalDataController],
      providers: [
        { provide: MESSAGING_ENV, useValue: env },
        ...rpcClientProviders({ amqpUrl: env.AMQP_URL, timeoutMs: env.RPC_TIMEOUT_MS }),
        ...eventConsumerProviders('messaging', env.AMQP_URL, { subscriber: MessagingEventsSubscriber }),
        // Plans: billing's entitlements projected here, read from memory on every post.
        ...entitlementsProviders,
        WorkspaceThreadsSubscriber,
        ThreadsRepository,
        ReadStateRepository,
        MessageEvents,
        ThreadAccess,
        ThreadsService,
        ReadStateService,
        IdempotencyKeysPurge,
        PersonalDataRepository,
      ],
    };
  }
}
