import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger as PinoLogger } from 'pino';
import { maskUrl } from './redact';
import { RequestContext } from './request-context';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Accepts a well-formed `X-Request-Id` from the caller (or makes one), echoes it on the
 * response, runs the rest of the request inside RequestContext and logs one line per
 * request when it finishes.
 */
export function requestIdMiddleware(logger?: PinoLogger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.headers['x-request-id'] = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    RequestContext.run({ requestId }, () => {
      if (logger) {
        res.on('finish', () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          RequestContext.run({ requestId }, () =>
            logger.info(
              { method: req.method, url: maskUrl(req.originalUrl), status: res.statusCode, ms: Math.round(ms * 10) / 10 },
              'http request',
            ),
          );
        });
      }
      next();
    });
  };
}
