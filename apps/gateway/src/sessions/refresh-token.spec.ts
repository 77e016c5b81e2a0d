import { createHash } from 'node:crypto';
import { generateRefreshToken, hashRefreshSecret, parseRefreshToken, refreshSecretMatches } from './refresh-token';

describe('refresh tokens', () => {
  it('have the form rt_<uuid>.<43 base64url chars> and parse back to their id and secret', () => {
    const issued = generateRefreshToken();
    expect(issued.token).toMatch(/^rt_[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    const parsed = parseRefreshToken(issued.token);
    expect(parsed).toEqual({ id: issued.id, secret: issued.token.split('.')[1] });
    expect(Buffer.from(parsed!.secret, 'base64url')).toHaveLength(32);
  });

  it('are unique', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => generateRefreshToken().token));
    expect(tokens.size).toBe(100);
  });

  it('store SHA-256 of the secret, which reveals neither the secret nor the token', () => {
    const issued = generateRefreshToken();
    const { secret } = parseRefreshToken(issued.token)!;
    expect(issued.hash).toEqual(createHash('sha256').update(secret).digest());
    expect(issued.hash).toHaveLength(32);
    const stored = issued.hash.toString('hex') + issued.hash.toString('base64') + issued.hash.toString('base64url');
    expect(stored).not.toContain(secret);
  });

  it('match only their own secret', () => {
    const a = generateRefreshToken();
    const b = generateRefreshToken();
    expect(refreshSecretMatches(a.hash, parseRefreshToken(a.token)!.secret)).toBe(true);
    expect(refreshSecretMatches(a.hash, parseRefreshToken(b.token)!.secret)).toBe(false);
    expect(refreshSecretMatches(Buffer.alloc(3), parseRefreshToken(a.token)!.secret)).toBe(false);
    expect(hashRefreshSecret('x')).not.toEqual(hashRefreshSecret('y'));
  });

  it('reject anything malformed instead of throwing', () => {
    const { token, id } = generateRefreshToken();
    const secret = token.split('.')[1];
    const bad: unknown[] = [
      undefined,
      null,
      42,
      {},
      '',
      'rt_',
      token.toUpperCase(),
      token.slice(3),
      `${token}x`,
      ` ${token}`,
      `${token}\n`,
      `rt_${id}`,
      `rt_${id}.`,
      `rt_${id}.${secret.slice(1)}`,
      `rt_${id}.${secret.slice(0, 42)}+`,
      `rt_not-a-uuid.${secret}`,
      `at_${id}.${secret}`,
      `rt_${id}.${secret}.${secret}`,
      'x'.repeat(10_000),
    ];
    for (const value of bad) expect(parseRefreshToken(value)).toBeNull();
  });
});
