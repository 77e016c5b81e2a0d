import type { NextFunction, Request, Response } from 'express';
import { Metrics, secondsSince } from './metrics';

/**
 * Latency of every HTTP request by method, route template and status. The route is the
 * template Express matched (`/api/v1/workspaces/:workspaceId`), never the raw path, so ids
 * do not multiply series; a request no route matched counts as `unmatched`. Scrapes of
 * /metrics itself are left out.
 */
export function httpMetricsMiddleware(metrics: Metrics) {
  const duration = metrics.histogram({
    name: 'fpms_http_request_duration_seconds',
    help: 'HTTP requests served, by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const template = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof template === 'string' ? `${req.baseUrl}${template}` : 'unmatched';
      if (route === '/metrics') return;
      duration.observe({ method: req.method, route, status: String(res.statusCode) }, secondsSince(started));
    });
    next();
  };
}
