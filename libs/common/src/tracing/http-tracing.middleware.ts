import type { NextFunction, Request, Response } from 'express';
import { RequestContext } from '../logging/request-context';
import { Tracing } from './tracing';

/** Probes, scrapes and socket.io's transport: a span each every few seconds would only bury the requests. */
const UNTRACED = /^\/(health|metrics|socket\.io)(\/|$)/;

/**
 * A server span per HTTP request (tracing on only), continuing the caller's trace when it
 * sends a W3C `traceparent`. The rest of the request runs inside it, so the RPCs it makes
 * are its children. Named `METHOD /route/:param` once the route is known.
 */
export function httpTracingMiddleware() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!Tracing.enabled || UNTRACED.test(req.path)) return next();
    const span = Tracing.startSpan(req.method, {
      kind: 'server',
      remoteParent: req.headers,
      attributes: {
        'http.request.method': req.method,
        'url.path': req.path,
        'url.scheme': req.protocol,
        'user_agent.original': req.headers['user-agent'],
        'fpms.request_id': RequestContext.requestId(),
      },
    });
    if (!span) return next();
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = req.route ? `${req.baseUrl}${(req.route as { path: string }).path}` : undefined;
      if (route) span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      span.end(res.statusCode >= 500 ? new Error(`HTTP ${res.statusCode}`) : undefined);
    };
    res.on('finish', end);
    res.on('close', end);
    span.run(() => next());
  };
}
