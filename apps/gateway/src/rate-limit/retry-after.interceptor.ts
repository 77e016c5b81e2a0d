import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { catchError, Observable, throwError } from 'rxjs';
import { AppError } from '@fpms/common/errors/app-error';

/**
 * Adds `Retry-After` (seconds) to every 429 whose error says when to retry. The shared
 * exception filter then writes the usual error body; headers set here survive it.
 */
@Injectable()
export class RetryAfterInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        const seconds = (error as AppError | undefined)?.details as { retryAfterSeconds?: unknown } | undefined;
        if (
          error instanceof AppError &&
          error.status === 429 &&
          typeof seconds?.retryAfterSeconds === 'number' &&
          context.getType() === 'http'
        ) {
          const response = context.switchToHttp().getResponse<Response>();
          if (!response.headersSent) response.setHeader('Retry-After', String(Math.max(1, Math.ceil(seconds.retryAfterSeconds))));
        }
        return throwError(() => error);
      }),
    );
  }
}
