import { AppError } from '@fpms/common/errors/app-error';
import { CommonErrorCode } from '@fpms/common/errors/common-error-code';

/** 429; RetryAfterInterceptor turns `retryAfterSeconds` into the `Retry-After` header. */
export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, CommonErrorCode.RateLimited, 'Too many requests; try again later', { retryAfterSeconds });
  }
}
