import type Stripe from 'stripe';
import { Metrics } from '@fpms/common/metrics/metrics';
import { Tracing } from '@fpms/common/tracing/tracing';

/**
 * `/v1/customers/cus_123/balance` → `/v1/customers/:id/balance`: Stripe's object ids (a
 * lowercase prefix, an underscore, the rest with a digit or capital in it) would make a
 * series per object. Resource names with an underscore (`account_links`) stay.
 */
export function stripeRouteTemplate(path: string): string {
  return path
    .split('?')[0]
    .split('/')
    .map((segment) => (/^[a-z]+_(?=[A-Za-z0-9_]*[A-Z0-9])[A-Za-z0-9_]+$/.test(segment) ? ':id' : segment))
    .join('/');
}

/**
 * Latency and errors of every call billing makes to Stripe, from the SDK's own `response`
 * event (one per HTTP attempt, its retries included): the one place every call passes.
 * With tracing on, each attempt is also a client span under the span that made the call.
 */
export function instrumentStripe(stripe: Stripe, metrics: Metrics): Stripe {
  const duration = metrics.histogram({
    name: 'fpms_stripe_request_duration_seconds',
    help: 'HTTP requests to the Stripe API (each SDK attempt), by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
  });
  const errors = metrics.counter({
    name: 'fpms_stripe_errors_total',
    help: 'Stripe API requests answered with an error status (4xx, 5xx), by route template and status',
    labelNames: ['route', 'status'] as const,
  });
  stripe.on('response', (event: Stripe.ResponseEvent) => {
    const route = stripeRouteTemplate(event.path ?? '');
    const status = String(event.status ?? 0);
    duration.observe({ method: event.method ?? 'unknown', route, status }, event.elapsed / 1000);
    if ((event.status ?? 0) >= 400) errors.inc({ route, status });
    if (Tracing.enabled) {
      Tracing.recordSpan(`stripe ${event.method ?? 'unknown'} ${route}`, {
        kind: 'client',
        startTime: new Date(event.request_start_time),
        endTime: new Date(event.request_end_time),
        error: (event.status ?? 0) >= 500 || event.status === 429 ? `HTTP ${event.status}` : undefined,
        attributes: {
          'http.request.method': event.method,
          'http.response.status_code': event.status,
          'url.template': route,
          'fpms.stripe.request_id': event.request_id,
        },
      });
    }
  });
  return stripe;
}
