import { StripeApiError } from './errors';

/**
 * API fault injection: make the next N matching requests fail the way Stripe can
 * (429 rate limit, 409 lock timeout, 500). `phase: 'after'` runs the request first and
 * then answers 500, the "did it happen?" case that idempotency keys exist for.
 */
export interface ApiFault {
  status: 429 | 409 | 500 | 503;
  count?: number;
  method?: string;
  /** Only requests whose path starts with this (e.g. `/v1/transfers`). */
  pathPrefix?: string;
  phase?: 'before' | 'after';
}

interface Active {
  fault: ApiFault;
  remaining: number;
}

export class ApiFaults {
  private active: Active[] = [];

  add(fault: ApiFault): void {
    if (![429, 409, 500, 503].includes(fault.status)) throw new Error('status must be 429, 409, 500 or 503');
    this.active.push({ fault, remaining: fault.count ?? 1 });
  }

  clear(): void {
    this.active = [];
  }

  take(method: string, path: string, phase: 'before' | 'after'): StripeApiError | null {
    const a = this.active.find(
      (x) =>
        (x.fault.phase ?? 'before') === phase &&
        (!x.fault.method || x.fault.method.toUpperCase() === method) &&
        (!x.fault.pathPrefix || path.startsWith(x.fault.pathPrefix)),
    );
    if (!a) return null;
    a.remaining -= 1;
    if (a.remaining <= 0) this.active.splice(this.active.indexOf(a), 1);
    return errorFor(a.fault.status);
  }
}

function errorFor(status: number): StripeApiError {
  switch (status) {
    case 429:
      return new StripeApiError(429, {
        type: 'invalid_request_error',
        code: 'rate_limit',
        message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
      });
    case 409:
      return new StripeApiError(409, {
        type: 'invalid_request_error',
        code: 'lock_timeout',
        message:
          'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request. If you see this error frequently and are making multiple concurrent requests to a single object, make your requests serially or at a lower rate.',
      });
    default:
      return new StripeApiError(status, {
        type: 'api_error',
        message: 'An unknown error occurred (injected by the emulator).',
      });
  }
}
