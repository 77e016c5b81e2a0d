import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signed token of an email's unsubscribe link: `<payload>.<signature>`, both base64url,
 * the payload `{ u: userId, s: scope }` and the signature an HMAC-SHA256 under a secret
 * messaging (which writes links) and the gateway (which serves them) share. No expiry: an
 * unsubscribe link must keep working in an old email (RFC 8058), and all it can do is stop
 * email to its own user.
 */
export interface UnsubscribeClaim {
  userId: string;
  /** A notification type, or `all`. */
  scope: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const sign = (payload: string, secret: string) => createHmac('sha256', secret).update(`unsubscribe.v1.${payload}`).digest('base64url');

export function signUnsubscribeToken(claim: UnsubscribeClaim, secret: string): string {
  const payload = Buffer.from(JSON.stringify({ u: claim.userId, s: claim.scope })).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

/** The claim of a genuine token, or null for anything forged, altered or malformed. */
export function verifyUnsubscribeToken(token: string, secret: string): UnsubscribeClaim | null {
  if (typeof token !== 'string' || token.length > 512) return null;
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length) return null;
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { u?: unknown; s?: unknown };
    if (typeof parsed.u !== 'string' || !UUID.test(parsed.u) || typeof parsed.s !== 'string' || !parsed.s) return null;
    return { userId: parsed.u, scope: parsed.s };
  } catch {
    return null;
  }
}
