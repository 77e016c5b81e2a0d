import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { Logger as PinoLogger } from 'pino';
import { DataSource } from 'typeorm';
import { EVENT_TOPOLOGY } from '@fpms/contracts/events/event-topology';
import { AccessTokenService } from '@fpms/auth/access-token';
import { KeySet } from '@fpms/auth/key-set';
import { HealthModule } from '@fpms/common/health/health.module';
import { ReadinessProbe } from '@fpms/common/health/readiness-probe';
import { Metrics } from '@fpms/common/metrics/metrics';
import { MetricsController } from '@fpms/common/metrics/metrics.controller';
import { databaseConfigFromEnv } from '@fpms/database/database-config';
import { DatabaseModule, SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { Clock, SystemClock } from '@fpms/common/scheduling/clock';
import { TracingFlush } from '@fpms/common/tracing/tracing-flush';
import { messagingRetentionFromEnv, OutboxRelay, OutboxWriter } from '@fpms/messaging/events';
import { RpcEnvelopeInterceptor } from '@fpms/messaging/rpc/rpc-envelope.interceptor';
import { SERVICE_LOGGER } from '@fpms/messaging/rpc/service-logger';
import { BrokerConnections } from '@fpms/messaging/nest/broker-connections';
import { AMQP_QUEUE_TYPE } from '@fpms/messaging/queue-type';
import {
  MESSAGING_HOUSEKEEPING_OPTIONS,
  MessagingHousekeeping,
  MessagingHousekeepingOptions,
} from '@fpms/messaging/nest/messaging-housekeeping';
import { OutboxRelayLifecycle } from '@fpms/messaging/nest/outbox-relay.lifecycle';
import { PlatformServiceEnv } from './platform-env.schema';

export interface PlatformModuleOptions {
  service: string;
  logger: PinoLogger;
  env: PlatformServiceEnv;
  entities: TypeOrmModuleOptions['entities'];
  keys: KeySet;
  /** The service's one clock (default: the system's); tests pass one they move. */
  clock?: Clock;
}

/**
 * What every service stands on: its two database pools, token verification for RPC,
 * the outbox writer and relay, outbox/inbox housekeeping, /health/{live,ready}
 * probing the database and broker, and /metrics (Prometheus).
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    const { env } = options;
    return {
      module: PlatformModule,
      global: true,
      imports: [
        DatabaseModule.forRoot(databaseConfigFromEnv(env), options.entities, `fpms-${options.service}`),
        HealthModule.forRoot({
          inject: [getDataSourceToken(), BrokerConnections],
          useFactory: (db: DataSource, broker: BrokerConnections): ReadinessProbe[] => [
            { name: 'database', isReady: async () => (await db.query('select 1 as ok'))[0]?.ok === 1 },
            { name: 'broker', isReady: () => broker.allConnected() },
          ],
        }),
      ],
      controllers: [MetricsController],
      providers: [
        // The service's own registry (one per app: tests run five apps in one process).
        { provide: Metrics, useValue: new Metrics({ defaults: true }) },
        { provide: SERVICE_LOGGER, useValue: options.logger },
        { provide: AMQP_QUEUE_TYPE, useValue: env.AMQP_QUEUE_TYPE },
        { provide: AccessTokenService, useValue: new AccessTokenService(options.keys, env.ACCESS_TOKEN_TTL_SECONDS) },
        { provide: OutboxWriter, useValue: new OutboxWriter() },
        {
          provide: OutboxRelay,
          inject: [getDataSourceToken(SYSTEM_DATA_SOURCE), Metrics],
          // The relay reads every tenant's outbox rows: it is cross-tenant by nature. It
          // declares the whole topology before its first publish (see event-topology.ts).
          useFactory: (system: DataSource, metrics: Metrics) =>
            new OutboxRelay({
              dataSource: system,
              amqpUrl: env.AMQP_URL,
              topology: EVENT_TOPOLOGY,
              queueType: env.AMQP_QUEUE_TYPE,
              metrics,
            }),
        },
        OutboxRelayLifecycle,
        { provide: Clock, useValue: options.clock ?? new SystemClock() },
        {
          provide: MESSAGING_HOUSEKEEPING_OPTIONS,
          useValue: {
            intervalMs: env.HOUSEKEEPING_INTERVAL_SECONDS * 1000,
            retention: messagingRetentionFromEnv(env),
          } satisfies MessagingHousekeepingOptions,
        },
        MessagingHousekeeping,
        RpcEnvelopeInterceptor,
        TracingFlush,
        {
          provide: BrokerConnections,
          inject: [OutboxRelay],
          useFactory: (relay: OutboxRelay) => new BrokerConnections().register(relay),
        },
      ],
      exports: [
        Metrics,
        SERVICE_LOGGER,
        AMQP_QUEUE_TYPE,
        AccessTokenService,
        OutboxWriter,
        OutboxRelay,
        RpcEnvelopeInterceptor,
        BrokerConnections,
        Clock,
        MessagingHousekeeping,
      ],
    };
  }
}
