import type { NextFunction, Request, Response } from 'express';

/** The `type` values of Stripe's v1 error body. */
export type StripeErrorType =
  'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error' | 'rate_limit_error' | 'authentication_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  charge?: string;
  payment_intent?: unknown;
  setup_intent?: unknown;
  payment_method?: unknown;
  doc_url?: string;
  request_log_url?: string;
}

/**
 * An error answered in Stripe's shape: `{ "error": { type, code, message, param, ... } }`
 * with Stripe's status code. `persist` marks errors raised after the request started
 * changing state (card declines): Stripe stores those under the idempotency key,
 * but not validation errors.
 */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly persist = false,
  ) {
    super(body.message);
  }
}

export function invalidRequest(message: string, extra: Partial<StripeErrorBody> = {}, status = 400): StripeApiError {
  return new StripeApiError(status, { type: 'invalid_request_error', message, ...extra });
}

export function missingParam(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, { code: 'parameter_missing', param });
}

export function invalidParam(param: string, message: string, code = 'parameter_invalid'): StripeApiError {
  return invalidRequest(message, { code, param });
}

/** Stripe's 404 for an unknown id (`No such charge: 'ch_x'`). */
export function noSuch(resource: string, id: string, param = 'id'): StripeApiError {
  return invalidRequest(`No such ${resource}: '${id}'`, { code: 'resource_missing', param }, 404);
}

export function errorDocUrl(code: string | undefined): string | undefined {
  return code ? `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}` : undefined;
}

export function sendStripeError(res: Response, err: StripeApiError): void {
  const body = { ...err.body };
  if (body.code && !body.doc_url) body.doc_url = errorDocUrl(body.code);
  const requestId = res.getHeader('Request-Id');
  if (requestId) body.request_log_url = `https://dashboard.stripe.com/test/logs/${requestId}`;
  res.status(err.status).json({ error: body });
}

/** Last-resort handler: anything unexpected becomes Stripe's 500 `api_error`. */
export function errorMiddleware(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (err instanceof StripeApiError) return sendStripeError(res, err);
  const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
  if (status >= 400 && status < 500) {
    return sendStripeError(res, invalidRequest((err as Error).message || 'Invalid request'));
  }
  sendStripeError(
    res,
    new StripeApiError(500, { type: 'api_error', message: `Emulator internal error: ${(err as Error)?.message ?? String(err)}` }),
  );
}
