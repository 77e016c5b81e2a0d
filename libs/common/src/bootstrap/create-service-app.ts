import { INestApplication, Type, DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import type { Logger as PinoLogger } from 'pino';
import { HttpExceptionFilter } from '../errors/http-exception.filter';
import { PinoNestLogger } from '../logging/logger';
import { httpMetricsMiddleware } from '../metrics/http-metrics.middleware';
import { Metrics } from '../metrics/metrics';
import { requestIdMiddleware } from '../logging/request-id.middleware';
import { httpTracingMiddleware } from '../tracing/http-tracing.middleware';
import { BODY_LIMIT_BYTES, inputGuardMiddleware, MAX_HEADER_BYTES, WEBHOOK_BODY_LIMIT_BYTES } from '../validation/input-guard';
import { createValidationPipe } from '../validation/validation.pipe';
import { answerClientErrorsWithJson } from './client-error';

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
    // Registered below, so the limits are ours and the input guard runs right after them.
    bodyParser: false,
  });
  const server = app.getHttpServer() as Server;
  // Node's parser answers an oversized head (431) or a malformed request (400) itself,
  // before Express; make those answers carry the error body too.
  (server as Server & { maxHeaderSize?: number }).maxHeaderSize = MAX_HEADER_BYTES; // read per connection by Node
  answerClientErrorsWithJson(server, options.logger);
  // First, so the latency covers everything the request goes through.
  const metrics = optionalMetrics(app);
  if (metrics) app.use(httpMetricsMiddleware(metrics));
  app.use(requestIdMiddleware(options.logRequests ? options.logger : undefined));
  // Tracing on only (startTracing): a server span per request, inside which everything after runs.
  app.use(httpTracingMiddleware());
  const express = app as NestExpressApplication;
  // strict: false so that `null` or `"x"` reach the guard and get a precise message.
  // Raw bodies are kept for webhooks (Stripe), whose events we do not size: a larger limit.
  const limit = options.rawBody ? WEBHOOK_BODY_LIMIT_BYTES : BODY_LIMIT_BYTES;
  express.useBodyParser('json', { limit, strict: false });
  express.useBodyParser('urlencoded', { limit, extended: true });
  app.use(inputGuardMiddleware());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  if (options.microservice) app.connectMicroservice(options.microservice);
  return app;
}

/** The service's registry (PlatformModule provides it); an app without one is simply not measured. */
function optionalMetrics(app: INestApplication): Metrics | undefined {
  try {
    return app.get(Metrics, { strict: false });
  } catch {
    return undefined;
  }
}

export async function startServiceApp(app: INestApplication, port: number, host: string): Promise<void> {
  await app.startAllMicroservices();
  await app.listen(port, host);
}
