import { createHash } from 'crypto';
import { Clock } from './clock';

interface StoredResponse {
  fingerprint: string;
  status: number;
  body: string;
  requestId: string;
  expiresAtMs: number;
}

export type IdempotencyLookup =
  { kind: 'new' } | { kind: 'replay'; status: number; body: string; requestId: string } | { kind: 'mismatch' };

/** Stripe keeps idempotency keys for at least 24 hours. */
const TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Idempotent request store. Keys are scoped per account (the `Stripe-Account` the
 * request runs as), as on Stripe. A replay with the same method, path and parameters
 * returns the stored status and body; any difference is an `idempotency_error`.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, StoredResponse>();

  constructor(private readonly clock: Clock) {}

  static fingerprint(method: string, path: string, params: unknown): string {
    return createHash('sha256')
      .update(`${method} ${path} ${canonicalJson(params)}`)
      .digest('hex');
  }

  lookup(scope: string, key: string, fingerprint: string): IdempotencyLookup {
    const entry = this.entries.get(`${scope}\u0000${key}`);
    if (!entry || entry.expiresAtMs <= this.clock.nowMs()) return { kind: 'new' };
    if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
    return { kind: 'replay', status: entry.status, body: entry.body, requestId: entry.requestId };
  }

  save(scope: string, key: string, fingerprint: string, status: number, body: string, requestId: string): void {
    this.entries.set(`${scope}\u0000${key}`, {
      fingerprint,
      status,
      body,
      requestId,
      expiresAtMs: this.clock.nowMs() + TTL_MS,
    });
  }

  clear(): void {
    this.entries.clear();
  }
}

/** JSON with sorted keys, so `a=1&b=2` and `b=2&a=1` count as the same parameters. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
