import { DynamicModule, INestApplication } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { z } from 'zod';
import { createServiceApp, startServiceApp } from '@fpms/common/bootstrap/create-service-app';
import { runMain } from '@fpms/common/bootstrap/run-main';
import { loadConfig } from '@fpms/common/config/load-config';
import { createPinoLogger } from '@fpms/common/logging/logger';
import { startTracing } from '@fpms/common/tracing/tracing';
import { rpcQueue } from '@fpms/contracts/rpc/rpc-pattern';
import { rpcServerStrategy } from '@fpms/messaging/rpc/rpc-server';
import { PlatformServiceEnv, platformServiceEnvSchema } from './platform-env.schema';

/** A backend service: HTTP for health (and webhooks), and an RPC server on `<service>.rpc`. */
export function createPlatformApp(
  service: string,
  module: DynamicModule,
  env: PlatformServiceEnv,
  logger: PinoLogger,
  options: { rawBody?: boolean } = {},
): Promise<INestApplication> {
  return createServiceApp(module, {
    logger,
    rawBody: options.rawBody,
    microservice: rpcServerStrategy({
      url: env.AMQP_URL,
      queue: rpcQueue(service),
      prefetch: env.RPC_PREFETCH,
      queueType: env.AMQP_QUEUE_TYPE,
    }),
  });
}

/** main.ts of a service: validate the environment, build the app, start it. */
export function platformMain<S extends typeof platformServiceEnvSchema>(
  service: string,
  schema: S,
  build: (env: z.infer<S>, logger: PinoLogger) => Promise<INestApplication>,
): void {
  runMain(service, async () => {
    const env = loadConfig(schema);
    const logger = createPinoLogger(service, env.LOG_LEVEL);
    // Before the app is built, so its first request is already traced (when switched on).
    if (startTracing(service, env)) logger.info({ exporter: 'otlp' }, 'tracing on');
    const app = await build(env, logger);
    await startServiceApp(app, env.HTTP_PORT, env.HTTP_HOST);
    logger.info({ port: env.HTTP_PORT }, `${service} service ready`);
  });
}
