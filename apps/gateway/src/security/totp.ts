import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { generateSecret, generateSync, generateURI } from 'otplib';
import * as QRCode from 'qrcode';

/** RFC 6238 defaults every authenticator app understands: SHA-1, 6 digits, 30 s steps. */
export const TOTP_PERIOD_SECONDS = 30;
const ISSUER = 'FPMS';

export const totpStep = (at: Date): number => Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);

/** The code of one time step. */
export function totpCodeAt(secret: string, step: number): string {
  return generateSync({ secret, epoch: step * TOTP_PERIOD_SECONDS, period: TOTP_PERIOD_SECONDS });
}

/**
 * The step `code` belongs to within ±1 step of `now` and newer than `lastUsedStep`, or
 * null. Newer-than is the replay rule: a code (or an older one still in the window) is
 * never accepted twice.
 */
export function matchTotpStep(secret: string, code: string, now: Date, lastUsedStep: number | null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const current = totpStep(now);
  let matched: number | null = null;
  for (const step of [current - 1, current, current + 1]) {
    const expected = Buffer.from(totpCodeAt(secret, step));
    // Every candidate is compared (no early exit): the time taken says nothing about which matched.
    if (timingSafeEqual(expected, Buffer.from(code)) && (lastUsedStep === null || step > lastUsedStep)) matched = step;
  }
  return matched;
}

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  qrCodeSvg: string;
  qrCodePngDataUrl: string;
}

export async function newTotpEnrolment(accountLabel: string): Promise<TotpEnrolment> {
  const secret = generateSecret();
  const otpauthUri = generateURI({ issuer: ISSUER, label: accountLabel, secret, period: TOTP_PERIOD_SECONDS });
  const [qrCodeSvg, qrCodePngDataUrl] = await Promise.all([
    QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M' }),
    QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M' }),
  ]);
  return { secret, otpauthUri, qrCodeSvg, qrCodePngDataUrl };
}

/** AES-256-GCM with a key derived from TOTP_ENCRYPTION_SECRET: the database alone yields no secret. */
export class TotpSecretBox {
  private readonly key: Buffer;

  constructor(keyMaterial: string) {
    this.key = createHash('sha256').update(`fpms-totp:${keyMaterial}`).digest();
  }

  seal(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
  }

  open(sealed: string): string {
    const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}

/** Ten recovery codes, `xxxxx-xxxxx` of base32 (50 bits each), shown once and stored hashed. */
export function newRecoveryCodes(count = 10): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(10);
    const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
    return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
  });
}

/** Case and dashes do not matter when a person types a recovery code back. */
export const normaliseRecoveryCode = (code: string): string => code.trim().toLowerCase().replace(/[\s-]/g, '');
