import { randomUUID } from 'node:crypto';
import { signUnsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token';

const secret = 'a-secret-of-sixteen+';

describe('unsubscribe tokens', () => {
  it('verifies its own tokens and nothing forged, altered or malformed', () => {
    const userId = randomUUID();
    const token = signUnsubscribeToken({ userId, scope: 'milestone.funded' }, secret);
    expect(verifyUnsubscribeToken(token, secret)).toEqual({ userId, scope: 'milestone.funded' });
    expect(verifyUnsubscribeToken(token, 'another-secret-entirely')).toBeNull();
    const [, signature] = token.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ u: randomUUID(), s: 'all' })).toString('base64url');
    expect(verifyUnsubscribeToken(`${otherPayload}.${signature}`, secret)).toBeNull();
    for (const bad of ['', 'x', 'a.b', `${token}.x`, `${token}x`]) expect(verifyUnsubscribeToken(bad, secret)).toBeNull();
  });
});
