import { tracesUrl, tracingEnvSchema, tracingRequested } from './tracing-env';

describe('tracing environment', () => {
  const parse = (env: Record<string, string>) => tracingEnvSchema.parse(env);

  it('is off unless an exporter or an endpoint asks for it, and OTEL_SDK_DISABLED or none wins', () => {
    expect(tracingRequested(parse({}))).toBe(false);
    expect(tracingRequested(parse({ OTEL_TRACES_EXPORTER: 'otlp' }))).toBe(true);
    expect(tracingRequested(parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }))).toBe(true);
    expect(tracingRequested(parse({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }))).toBe(true);
    expect(tracingRequested(parse({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }))).toBe(false);
    expect(tracingRequested(parse({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }))).toBe(false);
  });

  it('posts to the traces endpoint as given, else to <endpoint>/v1/traces', () => {
    expect(tracesUrl(parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }))).toBe('http://collector:4318/v1/traces');
    expect(
      tracesUrl(parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom' })),
    ).toBe('http://b:4318/custom');
    expect(tracesUrl(parse({}))).toBeUndefined();
  });

  it('refuses encodings other than OTLP/HTTP JSON and unknown exporters', () => {
    expect(tracingEnvSchema.safeParse({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }).success).toBe(false);
    expect(tracingEnvSchema.safeParse({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }).success).toBe(false);
    expect(tracingEnvSchema.safeParse({ OTEL_TRACES_EXPORTER: 'jaeger' }).success).toBe(false);
    expect(tracingEnvSchema.safeParse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }).success).toBe(false);
  });
});
