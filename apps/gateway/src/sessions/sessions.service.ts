import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@fpms/common/scheduling/clock';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { ClientInfo } from './client-info';
import { generateRefreshToken, parseRefreshToken, refreshSecretMatches } from './refresh-token';
import { RefreshTokensRepository, SessionRow } from './refresh-tokens.repository';
import { RevokedReason } from './entities/refresh-token.entity';
import { SessionError } from './sessions.errors';

export const SESSION_OPTIONS = Symbol('SESSION_OPTIONS');

export interface SessionOptions {
  refreshTokenTtlSeconds: number;
  /** Absolute lifetime of a session, by the injected clock (SESSION_MAX_AGE_DAYS). */
  sessionMaxAgeSeconds: number;
}

/** A session's current refresh token, as handed to the client. */
export interface SessionGrant {
  /** The refresh-token family: the access token's `sid`. */
  familyId: string;
  userId: string;
  refreshToken: string;
  refreshExpiresIn: number;
}

type RotationOutcome<T> =
  { kind: 'rotated'; session: SessionGrant; claims: T } | { kind: 'invalid' } | { kind: 'reused'; userId: string; familyId: string };

/**
 * Sessions as refresh-token families: each refresh spends the presented token and
 * issues its successor in the same family. Presenting a spent token again means two
 * parties hold the session (the legitimate client and a thief, in either order), so
 * the whole family is revoked and both must sign in again.
 *
 * Logging out revokes refresh tokens only: access tokens already issued stay valid
 * until they expire (at most ACCESS_TOKEN_TTL_SECONDS, 10 min), because services verify
 * them offline with the public key and never ask the gateway.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tokens: RefreshTokensRepository,
    private readonly limits: RateLimitService,
    @Inject(SESSION_OPTIONS) private readonly options: SessionOptions,
    private readonly clock: Clock,
  ) {}

  /** A new session (login, signup), inside the caller's transaction. */
  async start(manager: EntityManager, userId: string, client: ClientInfo): Promise<SessionGrant> {
    const startedAt = this.clock.now();
    const endsAt = new Date(startedAt.getTime() + this.options.sessionMaxAgeSeconds * 1000);
    const { session } = await this.issue(manager, randomUUID(), userId, client, { startedAt, endsAt });
    return session;
  }

  /** Whether the user signed in from this device before (asked before `start`, for the new-device email). */
  knowsDevice(manager: EntityManager, userId: string, client: ClientInfo): Promise<boolean> {
    return this.tokens.knowsDevice(manager, userId, client.userAgent);
  }

  /** The user's live sessions, newest use first. */
  list(userId: string): Promise<SessionRow[]> {
    return this.tokens.listLive(this.db.manager, userId, this.clock.now());
  }

  /** Revokes one of the user's sessions; false when the user has no such session. */
  async revokeSession(userId: string, familyId: string): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      if (!(await this.tokens.familyBelongsTo(manager, familyId, userId))) return false;
      await this.tokens.lockFamily(manager, familyId);
      await this.tokens.revokeFamily(manager, familyId, 'user_revoked');
      return true;
    });
  }

  /** Revokes every session of the user but the caller's own; returns how many ended. */
  revokeOthers(userId: string, keepFamilyId: string | undefined): Promise<number> {
    return this.db.transaction((manager) => this.revokeAllOf(manager, userId, 'user_revoked', keepFamilyId));
  }

  /**
   * Revokes every session of the user but `keepFamilyId` (none: all of them), in the
   * caller's transaction; returns how many sessions ended. Family locks are taken in id
   * order, so two of these never deadlock.
   */
  async revokeAllOf(manager: EntityManager, userId: string, reason: RevokedReason, keepFamilyId?: string): Promise<number> {
    let ended = 0;
    for (const familyId of await this.tokens.liveFamiliesOf(manager, userId)) {
      if (familyId === keepFamilyId) continue;
      await this.tokens.lockFamily(manager, familyId);
      if ((await this.tokens.revokeFamily(manager, familyId, reason)) > 0) ended += 1;
    }
    return ended;
  }

  /**
   * Spends `rawToken` and returns its successor, with whatever `loadClaims` reads for the
   * new access token in the same transaction (all or nothing: a client never loses its
   * session to a half-done rotation).
   *
   * Two refreshes racing with the same token: the family lock and the row lock make
   * them run one after the other; the first rotates, the second finds the token spent
   * and is treated as a reuse, so the family ends revoked. Deliberately no grace window:
   * it would also let a thief racing the client walk away with a live token unnoticed.
   * Clients must refresh one request at a time.
   */
  async rotate<T>(
    rawToken: string,
    client: ClientInfo,
    loadClaims: (manager: EntityManager, userId: string) => Promise<T>,
  ): Promise<{ session: SessionGrant; claims: T }> {
    const parsed = parseRefreshToken(rawToken);
    if (!parsed) throw SessionError.invalidRefreshToken();
    // Outcomes are returned, not thrown, so that a reuse's revocation commits before we answer 401.
    const outcome = await this.db.transaction(async (manager): Promise<RotationOutcome<T>> => {
      const familyId = await this.tokens.familyOf(manager, parsed.id);
      if (!familyId) return { kind: 'invalid' };
      await this.tokens.lockFamily(manager, familyId);
      const current = await this.tokens.findForUpdate(manager, parsed.id);
      // A wrong secret proves nothing about the holder: it must not revoke anything.
      if (!current || !refreshSecretMatches(current.tokenHash, parsed.secret) || current.revokedAt) return { kind: 'invalid' };
      // Checked before expiry: a spent token resurfacing is a leak even after it has expired.
      if (current.usedAt) {
        await this.tokens.revokeFamily(manager, familyId, 'reuse_detected');
        return { kind: 'reused', userId: current.userId, familyId };
      }
      if (current.expired) return { kind: 'invalid' };
      // The absolute end: however often refreshed, a session ends SESSION_MAX_AGE_DAYS after its login.
      if (current.sessionExpiresAt.getTime() <= this.clock.now().getTime()) {
        await this.tokens.revokeFamily(manager, familyId, 'session_expired');
        return { kind: 'invalid' };
      }
      // Over the limit → 429 and a rollback; nothing has been written yet.
      await this.limits.consumeSessionRefresh(familyId);
      const claims = await loadClaims(manager, current.userId);
      const { session, tokenId } = await this.issue(manager, familyId, current.userId, client, {
        startedAt: current.sessionStartedAt,
        endsAt: current.sessionExpiresAt,
      });
      await this.tokens.markUsed(manager, current.id, tokenId);
      return { kind: 'rotated', session, claims };
    });
    if (outcome.kind === 'rotated') return outcome;
    if (outcome.kind === 'reused') {
      // A security event: structured, so it can be alerted on (never the token itself).
      this.logger.warn({
        msg: 'refresh token reuse detected; session revoked',
        userId: outcome.userId,
        sessionId: outcome.familyId,
        ip: client.ip,
      });
      throw SessionError.refreshTokenReused();
    }
    throw SessionError.invalidRefreshToken();
  }

  /**
   * Logout: revokes the token's whole family. Silent about tokens it does not know, so
   * the endpoint cannot be used to test whether a token exists.
   */
  async revoke(rawToken: string): Promise<void> {
    const parsed = parseRefreshToken(rawToken);
    if (!parsed) return;
    await this.db.transaction(async (manager) => {
      const familyId = await this.tokens.familyOf(manager, parsed.id);
      if (!familyId) return;
      await this.tokens.lockFamily(manager, familyId);
      const token = await this.tokens.findForUpdate(manager, parsed.id);
      if (!token || !refreshSecretMatches(token.tokenHash, parsed.secret)) return;
      await this.tokens.revokeFamily(manager, familyId, 'logout');
    });
  }

  private async issue(
    manager: EntityManager,
    familyId: string,
    userId: string,
    client: ClientInfo,
    lifetime: { startedAt: Date; endsAt: Date },
  ): Promise<{ session: SessionGrant; tokenId: string }> {
    const token = generateRefreshToken();
    // Rounded up: the milliseconds since the session started must not shave a second off a fresh
    // session's answer; the absolute end itself is enforced by session_expires_at, not by this TTL.
    const remaining = Math.max(1, Math.ceil((lifetime.endsAt.getTime() - this.clock.now().getTime()) / 1000));
    const ttlSeconds = Math.min(this.options.refreshTokenTtlSeconds, remaining);
    await this.tokens.insert(manager, {
      id: token.id,
      familyId,
      userId,
      tokenHash: token.hash,
      ttlSeconds,
      createdIp: client.ip,
      userAgent: client.userAgent,
      sessionStartedAt: lifetime.startedAt,
      sessionExpiresAt: lifetime.endsAt,
    });
    return { session: { familyId, userId, refreshToken: token.token, refreshExpiresIn: ttlSeconds }, tokenId: token.id };
  }
}
