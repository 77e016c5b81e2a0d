import { z } from 'zod';
import { env } from './load-config';

/** Variables every service reads, whatever it does. */
export const serviceEnvSchema = z.object({
  HTTP_HOST: env.string('0.0.0.0'),
  HTTP_PORT: env.port(3000),
  AMQP_URL: z
    .string()
    .regex(/^amqps?:\/\/\S+$/, 'must be an amqp:// or amqps:// URL')
    .default('amqp://guest:guest@127.0.0.1:5672/fpms'),
  RPC_PREFETCH: env.positiveInt(20),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
