import { randomBytes } from 'crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random base62 string; Stripe ids are opaque base62 after a typed prefix. */
export function randomBase62(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] % 62];
  return out;
}

/**
 * Stripe-style ids (`ch_3Pg...`, `acct_1Pg...`). Lengths follow real ids so that
 * code storing them in fixed-size columns sees realistic values.
 */
export function newId(prefix: string): string {
  switch (prefix) {
    case 'acct':
      return `acct_1${randomBase62(15)}`;
    case 'cs':
      return `cs_test_a1${randomBase62(56)}`;
    case 'req':
      return `req_${randomBase62(14)}`;
    case 'whsec':
      return `whsec_${randomBase62(32)}`;
    default:
      return `${prefix}_${randomBase62(24)}`;
  }
}
