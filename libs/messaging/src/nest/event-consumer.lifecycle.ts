import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Logger as PinoLogger } from 'pino';
import { DataSource } from 'typeorm';
import { Metrics } from '@fpms/common/metrics/metrics';
import { EventConsumer } from '../events';
import { AMQP_QUEUE_TYPE, QueueType } from '../queue-type';
import { SERVICE_LOGGER } from '../rpc/service-logger';
import { BrokerConnections } from './broker-connections';
import { EVENT_TOPOLOGY, eventConsumerDefinition, EventTopology } from '@fpms/contracts/events/event-topology';
import { eventDataSchema } from '@fpms/contracts/events/event-schemas';
import { EventSubscriber, EventSubscriptions } from './event-subscriptions';

/**
 * Starts the service's event consumer with the app; on shutdown stops taking messages
 * and lets in-flight handlers commit and ack before the database pools close.
 */
@Injectable()
export class EventConsumerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly consumer: EventConsumer,
    broker: BrokerConnections,
  ) {
    broker.register(consumer);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}

/**
 * Providers for a service's app module: its subscriber (with the module's own
 * repositories injected), the consumer of its queue in the topology on the runtime (RLS) pool —
 * the consumer scopes each event's transaction to the event's tenant — and its lifecycle.
 */
export function eventConsumerProviders(
  service: string,
  amqpUrl: string,
  events: EventSubscriptions,
  topology: EventTopology = EVENT_TOPOLOGY,
): Provider[] {
  const definition = eventConsumerDefinition(service, topology);
  return [
    events.subscriber,
    {
      provide: EventConsumer,
      inject: [
        getDataSourceToken(),
        events.subscriber,
        { token: AMQP_QUEUE_TYPE, optional: true },
        { token: Metrics, optional: true },
        { token: SERVICE_LOGGER, optional: true },
      ],
      useFactory: (runtime: DataSource, subscriber: EventSubscriber, queueType?: QueueType, metrics?: Metrics, log?: PinoLogger) =>
        new EventConsumer({
          queueType,
          metrics,
          log,
          dataSource: runtime,
          amqpUrl,
          exchange: topology.exchange,
          queue: definition.queue,
          bindings: [...definition.bindings],
          consumerName: service,
          retryDelaysMs: [...definition.retryDelaysMs],
          // Every subscriber gets data parsed with the one schema its producer wrote against.
          dataSchemaFor: eventDataSchema,
          handler: (event, manager) => subscriber.handle(event, manager),
        }),
    },
    EventConsumerLifecycle,
  ];
}
