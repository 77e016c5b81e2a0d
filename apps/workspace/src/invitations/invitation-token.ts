import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'inv_';

/** A random, single-purpose invitation token; only its SHA-256 is stored. */
export function newInvitationToken(): { token: string; hash: Buffer } {
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashInvitationToken(token) };
}

export function hashInvitationToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function looksLikeInvitationToken(token: string): boolean {
  return token.startsWith(PREFIX) && /^[A-Za-z0-9_-]+$/.test(token.slice(PREFIX.length));
}
