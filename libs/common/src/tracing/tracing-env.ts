import { z } from 'zod';

/**
 * The OpenTelemetry variables a service reads (the SDK's own names, see
 * https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/).
 * Tracing is off unless asked for: `OTEL_TRACES_EXPORTER=otlp`, or an OTLP endpoint with
 * the exporter left unset. The rest the SDK reads itself from the environment
 * (OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER, OTEL_BSP_*, OTEL_RESOURCE_ATTRIBUTES).
 */
const httpUrl = () => z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

export const tracingEnvSchema = z.object({
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).optional(),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).optional(),
  /** Base URL of the collector's OTLP/HTTP receiver; spans go to `<it>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl().optional(),
  /** The full traces URL, used as is (wins over OTEL_EXPORTER_OTLP_ENDPOINT). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl().optional(),
  // The exporter installed (@opentelemetry/exporter-trace-otlp-http) sends OTLP/HTTP JSON;
  // collectors take it on the same port as protobuf. Asking for another encoding is refused
  // rather than silently ignored.
  OTEL_EXPORTER_OTLP_PROTOCOL: z.literal('http/json', 'only http/json is supported (OTLP/HTTP with JSON bodies)').optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.literal('http/json', 'only http/json is supported (OTLP/HTTP with JSON bodies)').optional(),
  /** Defaults to `fpms-<service>`. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
});
export type TracingEnv = z.infer<typeof tracingEnvSchema>;

/** Whether the environment switches tracing on (see tracingEnvSchema). */
export function tracingRequested(env: TracingEnv): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER) return env.OTEL_TRACES_EXPORTER === 'otlp';
  return !!(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/** Where the exporter posts: the traces endpoint as given, else `<endpoint>/v1/traces`, else the SDK's default. */
export function tracesUrl(env: TracingEnv): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}
