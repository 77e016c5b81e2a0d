import { z } from 'zod';
import { tracingEnvSchema } from '../tracing/tracing-env';
import { env } from './load-config';

/** Variables every service reads, whatever it does (and OpenTelemetry's, see tracing-env.ts). */
export const serviceEnvSchema = z.object({
  ...tracingEnvSchema.shape,
  HTTP_HOST: env.string('0.0.0.0'),
  HTTP_PORT: env.port(3000),
  AMQP_URL: z
    .string()
    .regex(/^amqps?:\/\/\S+$/, 'must be an amqp:// or amqps:// URL')
    .default('amqp://guest:guest@127.0.0.1:5672/fpms'),
  /**
   * `quorum`: every durable queue (events, retries, DLQs, RPC) is a replicated quorum queue,
   * for a broker cluster (on in the prod overlay). Fixed per vhost: see libs/messaging/src/queue-type.ts.
   */
  AMQP_QUEUE_TYPE: z.enum(['classic', 'quorum']).default('classic'),
  RPC_PREFETCH: env.positiveInt(20),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
