import { z } from 'zod';
import { parseRateLimitRule, parseTrustProxy, rateLimitRule, trustProxySetting } from './rate-limit.config';

describe('rate-limit configuration', () => {
  it('reads <points>/<seconds> rules and refuses anything else', () => {
    expect(parseRateLimitRule('20/60')).toEqual({ points: 20, durationSeconds: 60 });
    expect(parseRateLimitRule(' 10/900 ')).toEqual({ points: 10, durationSeconds: 900 });
    for (const bad of ['', '20', '20/', '/60', '0/60', '20/0', '-1/60', '1.5/60', '20/60s', 'twenty/60', '20/60/1']) {
      expect(parseRateLimitRule(bad)).toBeNull();
    }
  });

  it('applies the default and names a malformed value', () => {
    const schema = z.object({ LIMIT: rateLimitRule('20/60') });
    expect(schema.parse({})).toEqual({ LIMIT: { points: 20, durationSeconds: 60 } });
    expect(schema.parse({ LIMIT: '3/5' })).toEqual({ LIMIT: { points: 3, durationSeconds: 5 } });
    const result = schema.safeParse({ LIMIT: 'lots' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['LIMIT'], message: expect.stringMatching(/<points>\/<seconds>/) });
  });

  it('reads TRUST_PROXY as off, a hop count, or proxy addresses; never "trust everyone"', () => {
    for (const off of ['', 'false', 'FALSE', 'off', '0']) expect(parseTrustProxy(off)).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('loopback')).toEqual(['loopback']);
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.7,fd00::/8, uniquelocal')).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      'fd00::/8',
      'uniquelocal',
    ]);
    expect(parseTrustProxy('10.0.0.0/255.0.0.0')).toEqual(['10.0.0.0/255.0.0.0']);
    for (const bad of ['true', 'yes', '10.0.0.0/33', '::1/129', 'example.com', '10.0.0.0/8/1', '1.2.3'])
      expect(parseTrustProxy(bad)).toBeNull();

    const schema = z.object({ TRUST_PROXY: trustProxySetting });
    expect(schema.parse({})).toEqual({ TRUST_PROXY: false });
    expect(schema.safeParse({ TRUST_PROXY: 'true' }).success).toBe(false);
  });
});
