import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * Single-use secrets handed to a person (email links, the login challenge), shaped like
 * refresh tokens: `<prefix>_<id>.<secret>`, 32 random bytes of secret, only SHA-256 of the
 * secret stored. The hash itself is the lookup key (unique), so a lookup never compares
 * secrets in JavaScript.
 */
export interface OpaqueToken {
  id: string;
  token: string;
  hash: Buffer;
}

export type OpaqueTokenPrefix = 'ev' | 'pr' | 'lc';

const shape = (prefix: OpaqueTokenPrefix) =>
  new RegExp(`^${prefix}_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.([A-Za-z0-9_-]{43})$`);

export const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export function generateOpaqueToken(prefix: OpaqueTokenPrefix): OpaqueToken {
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `${prefix}_${id}.${secret}`, hash: sha256(secret) };
}

/** The id and the secret's hash of a well-formed token of this kind; null for anything else. */
export function parseOpaqueToken(prefix: OpaqueTokenPrefix, token: unknown): { id: string; hash: Buffer } | null {
  if (typeof token !== 'string') return null;
  const match = shape(prefix).exec(token);
  return match ? { id: match[1], hash: sha256(match[2]) } : null;
}
