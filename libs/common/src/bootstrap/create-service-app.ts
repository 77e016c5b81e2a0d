import { INestApplication, Type, DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import type { Logger as PinoLogger } from 'pino';
import { HttpExceptionFilter } from '../errors/http-exception.filter';
import { PinoNestLogger } from '../logging/logger';
import { requestIdMiddleware } from '../logging/request-id.middleware';
import { createValidationPipe } from '../validation/validation.pipe';

export interface ServiceAppOptions {
  logger: PinoLogger;
  /** The service's RPC server; started by startServiceApp. */
  microservice?: MicroserviceOptions;
  /** Keep the raw request body (Stripe webhook signatures are computed over it). */
  rawBody?: boolean;
  /** Log one line per HTTP request (the gateway does; health probes on services would only add noise). */
  logRequests?: boolean;
}

/**
 * The same HTTP conventions on every service: request ids, JSON logs, the error body,
 * strict validation and graceful shutdown on SIGTERM/SIGINT.
 */
export async function createServiceApp(module: Type | DynamicModule, options: ServiceAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create(module, {
    logger: new PinoNestLogger(options.logger),
    rawBody: options.rawBody ?? false,
    abortOnError: false,
  });
  app.use(requestIdMiddleware(options.logRequests ? options.logger : undefined));
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  if (options.microservice) app.connectMicroservice(options.microservice);
  return app;
}

export async function startServiceApp(app: INestApplication, port: number, host: string): Promise<void> {
  await app.startAllMicroservices();
  await app.listen(port, host);
}
