import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccountSecurityError } from '@fpms/auth/account-security.error';
import { AppError } from '@fpms/common/errors/app-error';
import { Clock } from '@fpms/common/scheduling/clock';
import { Principal } from '../auth/principal';
import { UsersRepository } from '../auth/users.repository';
import { UserEntity } from '../auth/entities/user.entity';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { AccountSecurityRepository } from './account-security.repository';
import { generateOpaqueToken, parseOpaqueToken, sha256 } from './opaque-token';
import { SECURITY_OPTIONS, SecurityEmails, SecurityOptions } from './security-emails';
import { matchTotpStep, newRecoveryCodes, newTotpEnrolment, normaliseRecoveryCode, TotpSecretBox } from './totp';

/** A second factor as the client sends it: a TOTP code or one of the recovery codes. */
export interface SecondFactor {
  code?: string;
  recoveryCode?: string;
}

/** Wrong codes one login challenge takes before it is spent (the per-user rate limit counts too). */
const CHALLENGE_MAX_FAILURES = 5;

type Checked = 'totp' | 'recovery' | false;

/**
 * Two-factor sign-in with TOTP (RFC 6238; issue 18, part 2). Enrolment shows the secret
 * once (otpauth URI and QR code), a first code confirms it and yields ten single-use
 * recovery codes (hashed). Codes are accepted within ±1 step, each at most once: the
 * newest accepted step is kept, and a code of that step or an older one is refused.
 */
@Injectable()
export class TwoFactorService {
  private readonly box: TotpSecretBox;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: AccountSecurityRepository,
    private readonly users: UsersRepository,
    private readonly limits: RateLimitService,
    private readonly emails: SecurityEmails,
    private readonly clock: Clock,
    @Inject(SECURITY_OPTIONS) private readonly options: SecurityOptions,
  ) {
    this.box = new TotpSecretBox(options.totpEncryptionSecret);
  }

  statusOf(userId: string): Promise<{ enabled: boolean; recoveryCodesLeft: number }> {
    return this.status(this.db.manager, userId);
  }

  async status(manager: EntityManager, userId: string): Promise<{ enabled: boolean; recoveryCodesLeft: number }> {
    const totp = await this.repo.findTotp(manager, userId);
    if (!totp?.enabledAt) return { enabled: false, recoveryCodesLeft: 0 };
    return { enabled: true, recoveryCodesLeft: await this.repo.countUnusedRecoveryCodes(manager, userId) };
  }

  /** Starts (or restarts) enrolment: the secret is shown this once. */
  async enrol(principal: Principal) {
    const user = await this.requireUser(principal.userId);
    const enrolment = await newTotpEnrolment(user.email);
    await this.db.transaction(async (m) => {
      await this.repo.lockUser(m, user.id);
      const existing = await this.repo.findTotp(m, user.id, true);
      if (existing?.enabledAt) throw AccountSecurityError.twoFactorAlreadyEnabled();
      await this.repo.startTotp(m, user.id, this.box.seal(enrolment.secret), this.clock.now());
    });
    return {
      secret: enrolment.secret,
      otpauthUri: enrolment.otpauthUri,
      qrCode: { svg: enrolment.qrCodeSvg, pngDataUrl: enrolment.qrCodePngDataUrl },
    };
  }

  /** The first code turns it on; answers the recovery codes, shown this once. */
  async confirm(principal: Principal, code: string, requestId: string): Promise<{ enabled: true; recoveryCodes: string[] }> {
    await this.limits.consumeTwoFactorAttempt(principal.userId);
    const user = await this.requireUser(principal.userId);
    const codes = newRecoveryCodes();
    const outcome = await this.db.transaction(async (m) => {
      await this.repo.lockUser(m, user.id);
      const totp = await this.repo.findTotp(m, user.id, true);
      if (!totp) throw AccountSecurityError.twoFactorNotEnrolling();
      if (totp.enabledAt) throw AccountSecurityError.twoFactorAlreadyEnabled();
      const now = this.clock.now();
      const step = matchTotpStep(this.box.open(totp.secretEncrypted), code, now, null);
      if (step === null) return false;
      await this.repo.enableTotp(m, user.id, step, now);
      await this.repo.replaceRecoveryCodes(
        m,
        user.id,
        codes.map((c) => ({ id: randomUUID(), hash: sha256(normaliseRecoveryCode(c)) })),
        now,
      );
      await this.emails.send(m, user, 'two_factor_enabled', { requestId });
      return true;
    });
    if (!outcome) throw AccountSecurityError.invalidTwoFactorCode();
    return { enabled: true, recoveryCodes: codes };
  }

  /** Turning it off needs a current code (or a recovery code). */
  async disable(principal: Principal, factor: SecondFactor, requestId: string): Promise<void> {
    await this.limits.consumeTwoFactorAttempt(principal.userId);
    const user = await this.requireUser(principal.userId);
    const ok = await this.db.transaction(async (m) => {
      await this.repo.lockUser(m, user.id);
      const checked = await this.check(m, user.id, factor);
      if (!checked) return false;
      await this.repo.deleteTotp(m, user.id);
      await this.emails.send(m, user, 'two_factor_disabled', { requestId });
      return true;
    });
    if (!ok) throw AccountSecurityError.invalidTwoFactorCode();
  }

  async isEnabled(manager: EntityManager, userId: string): Promise<boolean> {
    return (await this.repo.findTotp(manager, userId))?.enabledAt != null;
  }

  /** After a right password: a short-lived challenge the second step must present. */
  async startChallenge(manager: EntityManager, userId: string): Promise<{ challengeToken: string; expiresIn: number }> {
    const now = this.clock.now();
    const token = generateOpaqueToken('lc');
    await this.repo.insertChallenge(manager, {
      id: token.id,
      userId,
      hash: token.hash,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.options.loginChallengeTtlMs),
    });
    return { challengeToken: token.token, expiresIn: Math.round(this.options.loginChallengeTtlMs / 1000) };
  }

  /**
   * The login's second step. Runs `onSuccess` (the session) in the transaction that
   * spends the challenge and the code. A wrong code is counted on the challenge and
   * committed before the 400 (the outcome is returned, not thrown, for that).
   */
  async completeChallenge<T>(
    rawChallenge: string,
    factor: SecondFactor,
    onSuccess: (m: EntityManager, userId: string) => Promise<T>,
  ): Promise<T> {
    const parsed = parseOpaqueToken('lc', rawChallenge);
    if (!parsed) throw AccountSecurityError.invalidLoginChallenge();
    const userId = await this.db.manager
      .query(`select user_id from login_challenges where id = $1 and token_hash = $2`, [parsed.id, parsed.hash])
      .then((rows: Array<{ user_id: string }>) => rows[0]?.user_id);
    if (!userId) throw AccountSecurityError.invalidLoginChallenge();
    // Per user, whatever the challenge: new challenges (each needs the password) do not buy more guesses.
    await this.limits.consumeTwoFactorAttempt(userId);
    const outcome = await this.db.transaction(async (m): Promise<{ kind: 'ok'; value: T } | { kind: 'invalid' } | { kind: 'wrong' }> => {
      const now = this.clock.now();
      const challenge = await this.repo.findChallengeForUpdate(m, parsed.id, parsed.hash);
      if (
        !challenge ||
        challenge.usedAt ||
        challenge.expiresAt.getTime() <= now.getTime() ||
        challenge.failedAttempts >= CHALLENGE_MAX_FAILURES
      )
        return { kind: 'invalid' };
      await this.repo.lockUser(m, challenge.userId);
      const checked = await this.check(m, challenge.userId, factor);
      if (!checked) {
        await this.repo.failChallenge(m, challenge.id);
        return { kind: 'wrong' };
      }
      await this.repo.useChallenge(m, challenge.id, now);
      return { kind: 'ok', value: await onSuccess(m, challenge.userId) };
    });
    if (outcome.kind === 'ok') return outcome.value;
    if (outcome.kind === 'wrong') throw AccountSecurityError.invalidTwoFactorCode();
    throw AccountSecurityError.invalidLoginChallenge();
  }

  /**
   * For a sensitive step outside login (erasing the account): checks and spends a factor
   * of the enabled TOTP, in the caller's transaction (which holds the user's row lock).
   * The per-user attempt limit counts it, as every other check.
   */
  async verify(m: EntityManager, userId: string, factor: SecondFactor): Promise<boolean> {
    await this.limits.consumeTwoFactorAttempt(userId);
    return (await this.check(m, userId, factor)) !== false;
  }

  /** Checks and spends a factor of an enabled TOTP (the user's row locked by the caller). */
  private async check(m: EntityManager, userId: string, factor: SecondFactor): Promise<Checked> {
    const totp = await this.repo.findTotp(m, userId, true);
    if (!totp?.enabledAt) throw AccountSecurityError.twoFactorNotEnabled();
    const now = this.clock.now();
    if (factor.code !== undefined && factor.recoveryCode !== undefined) return false;
    if (factor.code !== undefined) {
      const step = matchTotpStep(this.box.open(totp.secretEncrypted), factor.code, now, totp.lastUsedStep);
      if (step === null) return false;
      await this.repo.useTotpStep(m, userId, step);
      return 'totp';
    }
    if (factor.recoveryCode !== undefined) {
      const used = await this.repo.useRecoveryCode(m, userId, sha256(normaliseRecoveryCode(factor.recoveryCode)), now);
      return used ? 'recovery' : false;
    }
    return false;
  }

  private async requireUser(userId: string): Promise<UserEntity> {
    const user = await this.users.findById(this.db.manager, userId);
    if (!user) throw AppError.unauthorized('This user no longer exists');
    return user;
  }
}
