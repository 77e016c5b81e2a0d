import { HttpException } from '@nestjs/common';
import { AppError } from './app-error';
import { CommonErrorCode } from '@fpms/contracts/errors/common.errors';
import { outageDependency } from './outage';

const codeByStatus: Record<number, CommonErrorCode> = {
  400: CommonErrorCode.ValidationFailed,
  401: CommonErrorCode.Unauthorized,
  402: CommonErrorCode.PaymentRequired,
  403: CommonErrorCode.Forbidden,
  404: CommonErrorCode.NotFound,
  405: CommonErrorCode.MethodNotAllowed,
  409: CommonErrorCode.Conflict,
  413: CommonErrorCode.PayloadTooLarge,
  429: CommonErrorCode.RateLimited,
  503: CommonErrorCode.ServiceUnavailable,
  504: CommonErrorCode.GatewayTimeout,
};

/**
 * Normalises anything thrown into an AppError. Unknown errors become a 500 whose message
 * reveals nothing; the caller logs the original.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (AppError.isWireError(error)) return AppError.fromWire(error);
  // body-parser marks its errors with `type`; they are the client's fault.
  const bodyError = error as { type?: string; status?: number; limit?: number } | null;
  if (bodyError?.type === 'entity.parse.failed') {
    return new AppError(400, CommonErrorCode.InvalidJson, 'Request body is not valid JSON');
  }
  if (bodyError?.type === 'entity.too.large') {
    return new AppError(413, CommonErrorCode.PayloadTooLarge, 'Request body is too large', { limitBytes: bodyError.limit });
  }
  if (bodyError?.type && typeof bodyError.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
    return new AppError(bodyError.status, codeByStatus[bodyError.status] ?? CommonErrorCode.ValidationFailed, 'Malformed request body');
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? error.message);
    // Nest's router turns body-parser's JSON SyntaxError into a plain BadRequestException
    // carrying JSON.parse's message; our own code never throws HttpExceptions.
    if (status === 400 && typeof message === 'string' && /\bJSON\b/.test(message)) {
      return new AppError(400, CommonErrorCode.InvalidJson, 'Request body is not valid JSON', { reason: message });
    }
    return new AppError(
      status,
      codeByStatus[status] ?? (status >= 500 ? CommonErrorCode.Internal : CommonErrorCode.ValidationFailed),
      Array.isArray(message) ? message.join('; ') : String(message),
    );
  }
  // PostgreSQL restarting, the broker connection dropping under a request: retryable.
  const dependency = outageDependency(error);
  if (dependency) {
    return new AppError(503, CommonErrorCode.ServiceUnavailable, 'A dependency is temporarily unavailable; retry shortly', {
      dependency,
      retryable: true,
    });
  }
  return new AppError(500, CommonErrorCode.Internal, 'Internal error');
}

/** Seconds a client should wait before retrying a 503 (the Retry-After header). */
export const RETRY_AFTER_SECONDS = 1;
