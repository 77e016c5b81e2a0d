import { isIP } from 'node:net';
import { z } from 'zod';

/** At most `points` requests per key in a fixed window of `durationSeconds`. */
export interface RateLimitRule {
  points: number;
  durationSeconds: number;
}

const RULE = /^([1-9]\d{0,5})\/([1-9]\d{0,6})$/;

export function parseRateLimitRule(value: string): RateLimitRule | null {
  const match = RULE.exec(value.trim());
  return match ? { points: Number(match[1]), durationSeconds: Number(match[2]) } : null;
}

/** An env var of the form `<points>/<seconds>` (`20/60`: 20 per minute). */
export const rateLimitRule = (fallback: string) =>
  z
    .string()
    .transform((value, ctx) => {
      const rule = parseRateLimitRule(value);
      if (!rule) ctx.addIssue({ code: 'custom', message: 'must be <points>/<seconds>, e.g. 20/60' });
      return rule ?? z.NEVER;
    })
    .prefault(fallback);

/** Express's `trust proxy` setting: false, a hop count, or the addresses of trusted proxies. */
export type TrustProxy = false | number | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.has(entry) || isIP(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length > 0 || prefix === undefined) return false;
  if (/^\d{1,3}$/.test(prefix)) return Number(prefix) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(prefix) === 4; // 10.0.0.0/255.0.0.0
}

/**
 * `false`/`0` (default): `req.ip` is the socket's peer. A number: trust that many proxy
 * hops (1 behind one ingress). Otherwise a comma-separated list of proxy addresses,
 * subnets or `loopback`/`linklocal`/`uniquelocal`. `true` (trust every hop) is refused:
 * it makes `req.ip` whatever the client writes into X-Forwarded-For, and so would let
 * anyone step around the per-IP limits.
 */
export function parseTrustProxy(value: string): TrustProxy | null {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === 'off' || v === '0') return false;
  if (/^[1-9]\d?$/.test(v)) return Number(v);
  const entries = v.split(',').map((e) => e.trim());
  return entries.every(isProxyAddress) ? entries : null;
}

export const trustProxySetting = z
  .string()
  .transform((value, ctx) => {
    const setting = parseTrustProxy(value);
    if (setting === null) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be false, a hop count, or a comma-separated list of proxy addresses/subnets (not true)',
      });
    }
    return setting ?? z.NEVER;
  })
  .prefault('false');
