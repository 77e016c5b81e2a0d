import { generateSync } from 'otplib';
import { matchTotpStep, newRecoveryCodes, normaliseRecoveryCode, totpStep, TotpSecretBox } from './totp';

describe('TOTP checks', () => {
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  const now = new Date('2026-01-01T12:00:10Z');
  const step = totpStep(now);
  const code = (s: number) => generateSync({ secret, epoch: s * 30 });

  it('accepts the codes of the previous, current and next step, nothing further', () => {
    expect([-2, -1, 0, 1, 2].map((d) => matchTotpStep(secret, code(step + d), now, null))).toEqual([null, step - 1, step, step + 1, null]);
  });

  it('never accepts a code of the last used step or an older one', () => {
    expect(matchTotpStep(secret, code(step), now, step)).toBeNull();
    expect(matchTotpStep(secret, code(step - 1), now, step)).toBeNull();
    expect(matchTotpStep(secret, code(step + 1), now, step)).toBe(step + 1);
  });

  it('refuses malformed codes', () => {
    expect(matchTotpStep(secret, '12345', now, null)).toBeNull();
    expect(matchTotpStep(secret, 'abcdef', now, null)).toBeNull();
  });

  it('seals secrets so that only the same key opens them', () => {
    const sealed = new TotpSecretBox('a key of sixteen+ chars').seal(secret);
    expect(sealed).not.toContain(secret);
    expect(new TotpSecretBox('a key of sixteen+ chars').open(sealed)).toBe(secret);
    expect(() => new TotpSecretBox('another key, also long').open(sealed)).toThrow();
  });

  it('makes ten distinct recovery codes that survive case and dashes', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    expect(normaliseRecoveryCode(` ${codes[0].toUpperCase()} `)).toBe(codes[0].replace('-', ''));
  });
});
