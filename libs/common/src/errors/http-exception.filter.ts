import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequestContext } from '../logging/request-context';
import { RETRY_AFTER_SECONDS, toAppError } from './to-app-error';

/**
 * Turns every error on an HTTP route into `{ error: { code, message, details, requestId } }`.
 * Stack traces go to the log, never to the client.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const error = toAppError(exception);
    if (error.status >= 500 && error.status !== 503 && error.status !== 504) {
      this.logger.error({ err: exception, path: request?.url }, 'request failed');
    } else if (error.status === 503) {
      this.logger.warn({ err: exception, path: request?.url }, 'dependency unavailable');
    }
    const requestId = RequestContext.requestId() ?? (request?.headers?.['x-request-id'] as string | undefined) ?? null;
    if (response.headersSent) return;
    // 503 is retryable (a restart, a lost broker connection); say when to try again. An error that
    // knows when (a rate limit's 429: `details.retryAfterSeconds`) says so itself.
    const retryAfter = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (error.status === 429 && typeof retryAfter === 'number')
      response.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
    if (error.status === 503 && !response.getHeader('Retry-After')) response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    response.status(error.status).json({
      error: { code: error.code, message: error.message, details: error.details ?? null, requestId },
    });
  }
}
