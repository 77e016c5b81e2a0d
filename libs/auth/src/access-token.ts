import { JwtService } from '@nestjs/jwt';
import { AppError } from '@fpms/common/errors/app-error';
import { KeySet } from './key-set';
import { VerifiedTokenCache } from './verified-token-cache';

export const TOKEN_ISSUER = 'fpms-gateway';
export const TOKEN_AUDIENCE = 'fpms';
const ALGORITHM = 'ES256';

/** What an access token says: who you are and which company (account) you act for. */
export interface AccessTokenClaims {
  sub: string;
  /** The freelancer account (tenant) this user owns, if any. */
  acc?: string;
  email: string;
  /** Platform admin: may read across tenants, but only with an audited override. */
  adm?: boolean;
  /** Session (refresh-token family) the token was issued for. */
  sid?: string;
}

export interface VerifiedToken extends AccessTokenClaims {
  kid: string;
  exp: number;
}

/** Signs (gateway only) and verifies (everyone) access tokens. */
export class AccessTokenService {
  private readonly jwt = new JwtService({});
  private readonly verified = new VerifiedTokenCache<VerifiedToken>();

  constructor(
    private readonly keys: KeySet,
    readonly ttlSeconds = 600,
  ) {}

  sign(claims: AccessTokenClaims): string {
    if (!this.keys.signing) throw new Error('This service holds no signing key');
    return this.jwt.sign(
      { ...claims },
      {
        privateKey: this.keys.signing.privateKeyPem,
        algorithm: ALGORITHM,
        keyid: this.keys.signing.kid,
        expiresIn: this.ttlSeconds,
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
      },
    );
  }

  /**
   * Throws a 401 AppError for anything but a valid, unexpired token signed by a known key.
   * A token verified before is answered from the cache (expiry still checked on every call).
   */
  verify(token: string): VerifiedToken {
    const known = this.verified.get(token, Math.floor(Date.now() / 1000));
    if (known === 'expired') throw AppError.unauthorized('Access token expired');
    if (known) return { ...known };
    const claims = this.verifySignatureAndClaims(token);
    this.verified.remember(token, claims);
    return { ...claims };
  }

  private verifySignatureAndClaims(token: string): VerifiedToken {
    const decoded = this.jwt.decode<{ header?: { kid?: unknown; alg?: unknown } } | null>(token, { complete: true });
    const kid = decoded?.header?.kid;
    if (typeof kid !== 'string' || decoded?.header?.alg !== ALGORITHM) throw AppError.unauthorized('Invalid access token');
    const publicKey = this.keys.publicKeys[kid];
    if (!publicKey) throw AppError.unauthorized('Access token signed with an unknown key');
    try {
      const payload = this.jwt.verify<AccessTokenClaims & { exp: number; adm?: unknown; sid?: unknown }>(token, {
        publicKey,
        algorithms: [ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
      });
      if (typeof payload.sub !== 'string') throw new Error('no subject');
      return {
        sub: payload.sub,
        acc: payload.acc,
        email: payload.email,
        adm: payload.adm === true ? true : undefined,
        sid: typeof payload.sid === 'string' ? payload.sid : undefined,
        exp: payload.exp,
        kid,
      };
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      throw AppError.unauthorized(expired ? 'Access token expired' : 'Invalid access token');
    }
  }
}
