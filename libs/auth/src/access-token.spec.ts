import { AccessTokenService } from './access-token';
import { generateKeyPair, keySetFromPair } from './key-set';

describe('AccessTokenService', () => {
  const current = generateKeyPair('k2');
  const previous = generateKeyPair('k1');
  const claims = { sub: '0f8fad5b-d9cb-469f-a165-70867728950e', acc: '7c9e6679-7425-40de-944b-e07fc1f90ae7', email: 'a@example.test' };

  it('verifies its own tokens and returns the claims and key id', () => {
    const tokens = new AccessTokenService(keySetFromPair(current));
    expect(tokens.verify(tokens.sign(claims))).toMatchObject({ ...claims, kid: 'k2' });
  });

  it('verifies tokens of a previous key while it is still published (rotation)', () => {
    const oldSigner = new AccessTokenService(keySetFromPair(previous));
    const verifier = new AccessTokenService({ publicKeys: { k1: previous.publicKeyPem, k2: current.publicKeyPem } });
    expect(verifier.verify(oldSigner.sign(claims)).kid).toBe('k1');
  });

  it('rejects an unknown kid, a forged signature, a tampered payload and an expired token', () => {
    const verifier = new AccessTokenService({ publicKeys: { k2: current.publicKeyPem } });
    const unknownKid = new AccessTokenService(keySetFromPair(previous)).sign(claims);
    expect(() => verifier.verify(unknownKid)).toThrow(/unknown key/);

    const forged = new AccessTokenService(keySetFromPair(generateKeyPair('k2'))).sign(claims);
    expect(() => verifier.verify(forged)).toThrow(/Invalid access token/);

    const [h, , s] = new AccessTokenService(keySetFromPair(current)).sign(claims).split('.');
    const tampered = [h, Buffer.from(JSON.stringify({ ...claims, acc: 'someone-else' })).toString('base64url'), s].join('.');
    expect(() => verifier.verify(tampered)).toThrow(/Invalid access token/);

    const expired = new AccessTokenService(keySetFromPair(current), -10).sign(claims);
    expect(() => verifier.verify(expired)).toThrow(/expired/);
  });

  it('a token verified before still expires on time, and a different token is checked on its own', () => {
    const tokens = new AccessTokenService(keySetFromPair(current), 60);
    const token = tokens.sign(claims);
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now');
    try {
      clock.mockReturnValue(now);
      expect(tokens.verify(token).sub).toBe(claims.sub);
      clock.mockReturnValue(now + 30_000);
      expect(tokens.verify(token).sub).toBe(claims.sub); // answered from the cache
      clock.mockReturnValue(now + 61_000);
      expect(() => tokens.verify(token)).toThrow(/expired/);
      const [h, p] = token.split('.');
      const forgedSignature = Buffer.alloc(64, 1).toString('base64url');
      clock.mockReturnValue(now);
      expect(() => tokens.verify(`${h}.${p}.${forgedSignature}`)).toThrow(/Invalid access token/);
    } finally {
      clock.mockRestore();
    }
  });

  it('answers 401s, never anything else', () => {
    const verifier = new AccessTokenService({ publicKeys: { k2: current.publicKeyPem } });
    for (const token of ['', 'a.b.c', 'x'.repeat(5000)]) {
      expect(() => verifier.verify(token)).toThrow(expect.objectContaining({ status: 401 }));
    }
  });
});
