import { AppError } from '@fpms/common/errors/app-error';
import { CommonErrorCode } from '@fpms/contracts/errors/common.errors';

/** 429; the HTTP exception filter turns `retryAfterSeconds` into the `Retry-After` header. */
export class RateLimitedError extends AppError<CommonErrorCode> {
  constructor(readonly retryAfterSeconds: number) {
    super(429, CommonErrorCode.RateLimited, 'Too many requests; try again later', { retryAfterSeconds });
  }
}
