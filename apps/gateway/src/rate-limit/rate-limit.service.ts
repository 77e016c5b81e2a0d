import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitRule } from './rate-limit.config';
import { RateLimitedError } from './rate-limit.errors';
import { RATE_LIMIT_REDIS } from './rate-limit-redis';

export const RATE_LIMIT_SETTINGS = Symbol('RATE_LIMIT_SETTINGS');

export type RateLimitName =
  | 'loginIp'
  | 'loginAccount'
  | 'refreshIp'
  | 'refreshSession'
  | 'signupIp'
  | 'messageMember'
  | 'messageWorkspace'
  | 'twoFactorUser'
  | 'securityEmail';

export interface RateLimitSettings {
  /** Prefix of every Redis key (one per deployment; one per platform in tests). */
  prefix: string;
  rules: Record<RateLimitName, RateLimitRule>;
}

const KEY_NAMES: Record<RateLimitName, string> = {
  loginIp: 'login_ip',
  loginAccount: 'login_account',
  refreshIp: 'refresh_ip',
  refreshSession: 'refresh_session',
  signupIp: 'signup_ip',
  messageMember: 'message_member',
  messageWorkspace: 'message_workspace',
  twoFactorUser: 'two_factor_user',
  securityEmail: 'security_email',
};

/** Emails are personal data: Redis sees only a hash of the normalised address. */
const accountKey = (normalisedEmail: string) => createHash('sha256').update(normalisedEmail).digest('hex').slice(0, 32);

/**
 * Fixed-window counters in Redis, so every gateway replica spends the same budget.
 *
 * If Redis is unreachable, each limiter's `insuranceLimiter` (the same rule, in this
 * process's memory) takes over: limits keep applying per replica (so N replicas allow
 * up to N times the budget) instead of either failing every login (fail closed) or
 * dropping the protection entirely (fail open). Counters return to Redis when it does.
 */
@Injectable()
export class RateLimitService {
  private readonly limiters: Record<RateLimitName, RateLimiterRedis>;

  constructor(@Inject(RATE_LIMIT_REDIS) redis: Redis, @Inject(RATE_LIMIT_SETTINGS) settings: RateLimitSettings) {
    const build = (name: RateLimitName) => {
      const { points, durationSeconds } = settings.rules[name];
      const keyPrefix = `${settings.prefix}rl:${KEY_NAMES[name]}`;
      return new RateLimiterRedis({
        storeClient: redis,
        keyPrefix,
        points,
        duration: durationSeconds,
        // Straight to the insurance limiter while disconnected, rather than erroring per call.
        rejectIfRedisNotReady: true,
        // Once a key is over its limit, this replica answers 429 from memory until the
        // window ends instead of asking Redis again: a flood costs Redis nothing.
        inMemoryBlockOnConsumed: points + 1,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds }),
      });
    };
    this.limiters = {
      loginIp: build('loginIp'),
      loginAccount: build('loginAccount'),
      refreshIp: build('refreshIp'),
      refreshSession: build('refreshSession'),
      signupIp: build('signupIp'),
      messageMember: build('messageMember'),
      messageWorkspace: build('messageWorkspace'),
      twoFactorUser: build('twoFactorUser'),
      securityEmail: build('securityEmail'),
    };
  }

  /**
   * Before a message is sent: spends one of the member's sends in this workspace, and
   * refuses if the workspace's budget is spent. The workspace's budget itself is spent
   * only by messages that were posted (messageSent), so someone outside the workspace
   * cannot exhaust it by posting to its id and being refused.
   */
  async consumeMessageSend(workspaceId: string, userId: string): Promise<void> {
    await this.consume('messageMember', `${workspaceId}:${userId}`);
    const spent = await this.limiters.messageWorkspace.get(workspaceId);
    if (spent && spent.remainingPoints <= 0) throw new RateLimitedError(Math.max(1, Math.ceil(spent.msBeforeNext / 1000)));
  }

  /** A message was posted: it counts against the workspace's budget. */
  async messageSent(workspaceId: string): Promise<void> {
    await this.limiters.messageWorkspace.consume(workspaceId).catch((rejection: unknown) => {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
    });
  }

  /**
   * Spends one login attempt for the caller's IP and one for the account (by email, known
   * or not, so the answer says nothing about which emails exist). Counting attempts up
   * front, rather than failures afterwards, means concurrent guesses cannot overshoot;
   * a successful login resets the account's count, so in effect it counts failures.
   */
  async consumeLoginAttempt(ip: string, normalisedEmail: string): Promise<void> {
    await this.consume('loginIp', ip);
    await this.consume('loginAccount', accountKey(normalisedEmail));
  }

  async loginSucceeded(normalisedEmail: string): Promise<void> {
    await this.limiters.loginAccount.delete(accountKey(normalisedEmail));
  }

  /** Signups run argon2 too: without a limit they are a cheap way to burn the gateway's CPU. */
  consumeSignupAttempt(ip: string): Promise<void> {
    return this.consume('signupIp', ip);
  }

  consumeRefreshAttempt(ip: string): Promise<void> {
    return this.consume('refreshIp', ip);
  }

  /** Rotations of one session (refresh-token family), wherever they come from. */
  consumeSessionRefresh(familyId: string): Promise<void> {
    return this.consume('refreshSession', familyId);
  }

  /** Second-step codes (login challenge, disabling 2FA) of one user: a guesser meets 429 long before 10^6 codes. */
  consumeTwoFactorAttempt(userId: string): Promise<void> {
    return this.consume('twoFactorUser', userId);
  }

  /** Verification (re)sends and reset requests per address and purpose (hashed, known or not: no enumeration). */
  consumeSecurityEmail(purpose: string, normalisedEmail: string): Promise<void> {
    return this.consume('securityEmail', `${purpose}:${accountKey(normalisedEmail)}`);
  }

  private async consume(name: RateLimitName, key: string): Promise<void> {
    try {
      await this.limiters[name].consume(key);
    } catch (rejection) {
      // A RateLimiterRes means "over the limit"; anything else is a real error.
      if (rejection instanceof RateLimiterRes) throw new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      throw rejection;
    }
  }
}
