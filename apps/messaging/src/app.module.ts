import { DynamicModule, Module } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { KeySet } from '@fpms/auth/key-set';
import { Clock } from '@fpms/common/scheduling/clock';
import { eventConsumerProviders } from '@fpms/messaging/nest/event-consumer.lifecycle';
import { PlatformModule } from '@fpms/platform/platform.module';
import { MessagingEnv } from './config';
import { MessagingEventsSubscriber } from './messaging-events.subscriber';
import { NotificationsModule } from './notifications/notifications.module';

/** The messaging service: notifications and email now; threads and realtime arrive with their part of issue 16. */
@Module({})
export class MessagingAppModule {
  static forRoot(env: MessagingEnv, keys: KeySet, logger: PinoLogger, options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: MessagingAppModule,
      imports: [
        PlatformModule.forRoot({ service: 'messaging', env, keys, logger, entities: [], clock: options.clock }),
        NotificationsModule.forRoot(env),
      ],
      providers: [
        ...eventConsumerProviders('messaging', env.AMQP_URL, { subscriber: MessagingEventsSubscriber }),
        MessagingEventsSubscriber,
      ],
    };
  }
}
