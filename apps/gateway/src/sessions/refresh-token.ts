import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * Refresh tokens are opaque: `rt_<id>.<secret>`. The id (a uuid) finds the row; the
 * secret (32 random bytes, base64url) proves possession. Only SHA-256(secret) is stored,
 * so the database never holds a usable token. A plain hash is enough here (no salt or
 * slow KDF): the secret has 256 bits of entropy, nothing to brute-force.
 */
export interface NewRefreshToken {
  id: string;
  /** What the client receives. Never logged, never stored. */
  token: string;
  hash: Buffer;
}

export interface ParsedRefreshToken {
  id: string;
  secret: string;
}

const TOKEN = /^rt_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export function hashRefreshSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function generateRefreshToken(): NewRefreshToken {
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `rt_${id}.${secret}`, hash: hashRefreshSecret(secret) };
}

/** The id and secret of a well-formed token; null for anything else (the caller answers 401). */
export function parseRefreshToken(token: unknown): ParsedRefreshToken | null {
  if (typeof token !== 'string') return null;
  const match = TOKEN.exec(token);
  return match ? { id: match[1], secret: match[2] } : null;
}

/** Constant-time comparison of the stored hash with the presented secret's. */
export function refreshSecretMatches(storedHash: Buffer, secret: string): boolean {
  const presented = hashRefreshSecret(secret);
  return storedHash.length === presented.length && timingSafeEqual(storedHash, presented);
}
