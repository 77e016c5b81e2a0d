import { createHash, randomUUID } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { IdempotencyError, IdempotencyRequest } from '@fpms/database/idempotency';

export type { IdempotencyRequest };

/** Stripe's rule: up to 255 printable ASCII characters. */
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

/** JSON with object keys sorted, so the same body hashes the same whatever its key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** sha256 of what the request asks: method, path (no query) and body. */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path.toLowerCase()}\n${canonicalJson(body)}`)
    .digest('hex');
}

/**
 * `@Idempotency()` on a creating route: the client's `Idempotency-Key` (400 if malformed)
 * with the request's hash, forwarded in the RPC context. With no header the gateway makes
 * a key for this one request, so an RPC redelivered after a service crash (same message,
 * same key) still creates once; a client's own retry without a key is a new request.
 */
export const Idempotency = createParamDecorator((_: unknown, ctx: ExecutionContext): IdempotencyRequest => {
  const request = ctx.switchToHttp().getRequest<Request>();
  const header = request.headers['idempotency-key'];
  if (Array.isArray(header) || (header !== undefined && !VALID_KEY.test(header))) throw IdempotencyError.keyInvalid();
  const path = request.originalUrl.split('?')[0];
  return { key: header ?? `gateway:${randomUUID()}`, requestHash: requestHash(request.method, path, request.body) };
});
