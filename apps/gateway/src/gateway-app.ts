import { INestApplication, RequestMethod } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger as PinoLogger } from 'pino';
import { signerKeySet } from '@fpms/auth/auth-config';
import { createServiceApp } from '@fpms/common/bootstrap/create-service-app';
import { Clock } from '@fpms/common/scheduling/clock';
import { GatewayAppModule } from './app.module';
import { GatewayEnv } from './config';
import { RedisIoAdapter } from './realtime/redis-io.adapter';

export const API_PREFIX = 'api/v1';

/**
 * docs/openapi.json, generated from the code by `npm run openapi` (the build copies it into
 * dist/docs, beside the compiled code: the same relative path from source and from dist).
 */
export const OPENAPI_DOCUMENT_PATH = join(__dirname, '..', '..', '..', 'docs', 'openapi.json');

/** The public REST API. It holds the signing key; services only verify. */
export async function createGatewayApp(env: GatewayEnv, logger: PinoLogger, options: { clock?: Clock } = {}): Promise<INestApplication> {
  const app = await createServiceApp(GatewayAppModule.forRoot(env, signerKeySet(env), logger, options), { logger, logRequests: true });
  // req.ip (the key of the per-IP rate limits) honours X-Forwarded-For only from these proxies.
  (app as NestExpressApplication).set('trust proxy', env.TRUST_PROXY);
  // Socket.IO on the same HTTP server (path /socket.io), fanned out across replicas through Redis.
  app.useWebSocketAdapter(new RedisIoAdapter(app, env.REDIS_URL, env.RATE_LIMIT_PREFIX));
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      // Scraped inside the cluster on the pod's port; the Ingress routes only /api there.
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  // The API's own description: Swagger UI at /api/docs, the document at /api/openapi.json (public, like the API's signup).
  const document = JSON.parse(readFileSync(OPENAPI_DOCUMENT_PATH, 'utf8')) as OpenAPIObject;
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json', raw: ['json'], useGlobalPrefix: false });
  return app;
}
