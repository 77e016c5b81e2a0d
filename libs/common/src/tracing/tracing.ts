import type * as OtelApi from '@opentelemetry/api';
import type { W3CTraceContextPropagator } from '@opentelemetry/core';
import { TracingEnv, tracesUrl, tracingRequested } from './tracing-env';

export type SpanKindName = 'server' | 'client' | 'producer' | 'consumer' | 'internal';
export type SpanAttributes = Record<string, string | number | boolean | undefined>;
/** Headers a trace context travels in: HTTP request headers or AMQP message headers. */
export type TraceCarrier = Record<string, unknown>;

/** The W3C Trace Context headers (https://www.w3.org/TR/trace-context/). */
export const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;

/** One span of ours; only exists while tracing is on. */
export interface TraceSpan {
  readonly traceId: string;
  readonly spanId: string;
  setAttributes(attributes: SpanAttributes): void;
  updateName(name: string): void;
  /** Writes this span's context (traceparent, tracestate) into `carrier`, replacing any there. */
  inject(carrier: TraceCarrier): void;
  /** Runs `fn` with this span as the active one: spans, outbox rows and logs inside it are its children. */
  run<T>(fn: () => T): T;
  /** Ends the span; an error marks it failed. */
  end(error?: unknown): void;
}

export interface SpanOptions {
  kind: SpanKindName;
  attributes?: SpanAttributes;
  /**
   * Continue the trace whose context these headers carry (an incoming HTTP request, RPC
   * or event); without a context in them the span starts a new trace. Not given: the span
   * is a child of the active one.
   */
  remoteParent?: TraceCarrier;
}

interface TracingRuntime {
  api: typeof OtelApi;
  tracer: OtelApi.Tracer;
  propagator: W3CTraceContextPropagator;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Set by startTracing. Undefined means off, and then none of OpenTelemetry is even loaded. */
let runtime: TracingRuntime | undefined;

/** Reads HTTP (string | string[]) and AMQP (string | Buffer) header values alike. */
const getter: OtelApi.TextMapGetter<TraceCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
    return undefined;
  },
};
const setter: OtelApi.TextMapSetter<TraceCarrier> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/**
 * Our own seams, traced by hand (docs/decisions.md: the SDK's auto-instrumentation needs
 * Node 22): HTTP requests, RPC client and server, outbox publishes, event consumers and
 * billing's Stripe calls. Every call is a no-op returning at once while tracing is off.
 */
export const Tracing = {
  get enabled(): boolean {
    return runtime !== undefined;
  },

  startSpan(name: string, options: SpanOptions): TraceSpan | undefined {
    const rt = runtime;
    if (!rt) return undefined;
    const { api } = rt;
    const parent = options.remoteParent ? rt.propagator.extract(api.ROOT_CONTEXT, options.remoteParent, getter) : api.context.active();
    const span = rt.tracer.startSpan(name, { kind: SPAN_KINDS[options.kind], attributes: defined(options.attributes) }, parent);
    const spanContext = span.spanContext();
    const ctx = api.trace.setSpan(parent, span);
    return {
      traceId: spanContext.traceId,
      spanId: spanContext.spanId,
      setAttributes: (attributes) => span.setAttributes(defined(attributes) ?? {}),
      updateName: (newName) => span.updateName(newName),
      inject: (carrier) => {
        for (const header of TRACE_HEADERS) delete carrier[header];
        rt.propagator.inject(ctx, carrier, setter);
      },
      run: (fn) => api.context.with(ctx, fn),
      end: (error) => {
        if (error !== undefined) {
          const err = error instanceof Error ? error : new Error(String(error));
          span.recordException(err);
          span.setStatus({ code: api.SpanStatusCode.ERROR, message: err.message });
        }
        span.end();
      },
    };
  },

  /**
   * A span of something already over, timed by who observed it (an SDK's response event:
   * the Stripe calls), as a child of the active span.
   */
  recordSpan(name: string, options: Omit<SpanOptions, 'remoteParent'> & { startTime: Date; endTime: Date; error?: string }): void {
    const rt = runtime;
    if (!rt) return;
    const { api } = rt;
    const span = rt.tracer.startSpan(
      name,
      { kind: SPAN_KINDS[options.kind], attributes: defined(options.attributes), startTime: options.startTime },
      api.context.active(),
    );
    if (options.error) span.setStatus({ code: api.SpanStatusCode.ERROR, message: options.error });
    span.end(options.endTime);
  },

  /** traceparent/tracestate of the active span (empty when off or outside any span): what an outbox row keeps. */
  activeContextHeaders(): Record<string, string> {
    const rt = runtime;
    if (!rt) return {};
    const carrier: TraceCarrier = {};
    rt.propagator.inject(rt.api.context.active(), carrier, setter);
    return carrier as Record<string, string>;
  },

  /** The active span's ids, for log lines. */
  activeIds(): { traceId: string; spanId: string } | undefined {
    const rt = runtime;
    if (!rt) return undefined;
    const span = rt.api.trace.getSpan(rt.api.context.active());
    if (!span) return undefined;
    const { traceId, spanId } = span.spanContext();
    return { traceId, spanId };
  },
};

const SPAN_KINDS: Record<SpanKindName, number> = { internal: 0, server: 1, client: 2, producer: 3, consumer: 4 };

function defined(attributes?: SpanAttributes): OtelApi.Attributes | undefined {
  if (!attributes) return undefined;
  const out: OtelApi.Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * Switches tracing on for this process when the environment asks for it (tracingRequested):
 * a Node tracer provider with the W3C Trace Context propagator and a batching OTLP/HTTP
 * exporter, registered globally. Only then are the SDK modules loaded. Idempotent: the
 * first call wins (tests run several services in one process). Returns whether it is on.
 */
export function startTracing(service: string, env: TracingEnv): boolean {
  if (runtime) return true;
  if (!tracingRequested(env)) return false;
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const api = require('@opentelemetry/api') as typeof OtelApi;
  const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { defaultResource, detectResources, envDetector, resourceFromAttributes } =
    require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const propagator = new W3CTraceContextPropagator();
  // Ours first, then OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME, which win.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': `fpms-${service}`, 'fpms.service': service }))
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(env.OTEL_SERVICE_NAME ? resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME }) : null);
  const exporter = new OTLPTraceExporter({ url: tracesUrl(env) });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  provider.register({ propagator });
  runtime = {
    api,
    tracer: api.trace.getTracer('fpms'),
    propagator,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
  return true;
}

/** Exports the spans still buffered (an application shutting down); tracing stays on. */
export async function flushTracing(): Promise<void> {
  await runtime?.flush().catch(() => undefined);
}

/** Exports what is still buffered and switches tracing off (tests). */
export async function stopTracing(): Promise<void> {
  const rt = runtime;
  runtime = undefined;
  if (!rt) return;
  await rt.shutdown();
  rt.api.trace.disable();
  rt.api.context.disable();
  rt.api.propagation.disable();
}
