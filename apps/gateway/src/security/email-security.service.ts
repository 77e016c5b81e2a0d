import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccountSecurityError } from '@fpms/auth/account-security.error';
import { AppError } from '@fpms/common/errors/app-error';
import { Clock } from '@fpms/common/scheduling/clock';
import { isUniqueViolation } from '@fpms/database/postgres-errors';
import { AuthError } from '../auth/auth.errors';
import { PasswordHasher } from '../auth/password-hasher';
import { Principal } from '../auth/principal';
import { UsersRepository } from '../auth/users.repository';
import { UserEntity } from '../auth/entities/user.entity';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { ClientInfo } from '../sessions/client-info';
import { SessionsService } from '../sessions/sessions.service';
import { AccountSecurityRepository } from './account-security.repository';
import { generateOpaqueToken, parseOpaqueToken } from './opaque-token';
import { SECURITY_OPTIONS, SecurityEmails, SecurityOptions } from './security-emails';

const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * Verified emails and password resets (issue 18, part 1). Links carry single-use tokens
 * (`ev_…` 24 h, `pr_…` 1 h); only the newest link of a kind works, and only SHA-256 of its
 * secret is stored.
 */
@Injectable()
export class EmailSecurityService {
  private readonly logger = new Logger(EmailSecurityService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: AccountSecurityRepository,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly limits: RateLimitService,
    private readonly emails: SecurityEmails,
    private readonly clock: Clock,
    @Inject(SECURITY_OPTIONS) private readonly options: SecurityOptions,
  ) {}

  /** Writes a verification link for the user's current address (signup, resend, email change), in the caller's transaction. */
  async sendVerification(
    manager: EntityManager,
    user: Pick<UserEntity, 'id' | 'email' | 'displayName'>,
    requestId?: string,
  ): Promise<void> {
    const now = this.clock.now();
    const token = generateOpaqueToken('ev');
    const expiresAt = new Date(now.getTime() + this.options.emailVerificationTtlMs);
    await this.repo.endEmailTokens(manager, user.id, 'verify_email', now);
    await this.repo.insertEmailToken(manager, {
      id: token.id,
      userId: user.id,
      purpose: 'verify_email',
      email: user.email,
      hash: token.hash,
      createdAt: now,
      expiresAt,
    });
    await this.emails.send(manager, user, 'verify_email', { link: this.emails.link('verify-email', token.token), expiresAt, requestId });
  }

  /** Resends the link (rate limited per address); nothing to send once verified. */
  async resendVerification(principal: Principal, requestId: string): Promise<{ emailVerified: boolean; sent: boolean }> {
    const user = await this.requireUser(this.db.manager, principal.userId);
    if (user.emailVerifiedAt) return { emailVerified: true, sent: false };
    await this.limits.consumeSecurityEmail('verify_email', user.email);
    await this.db.transaction((m) => this.sendVerification(m, user, requestId));
    return { emailVerified: false, sent: true };
  }

  /**
   * Uses a verification link: the address it was sent to becomes verified, if it is still
   * the user's. A link for an address the user has since changed away from proves nothing.
   */
  async verifyEmail(rawToken: string): Promise<{ emailVerified: true }> {
    const parsed = parseOpaqueToken('ev', rawToken);
    if (!parsed) throw AccountSecurityError.invalidEmailToken();
    const ok = await this.db.transaction(async (m) => {
      const now = this.clock.now();
      const token = await this.repo.findEmailTokenForUpdate(m, parsed.id, parsed.hash, 'verify_email');
      if (!token || token.usedAt || token.expiresAt.getTime() <= now.getTime()) return false;
      await this.repo.lockUser(m, token.userId);
      await this.repo.useEmailToken(m, token.id, now);
      const user = await this.users.findById(m, token.userId);
      if (!user || user.email !== token.email) return false;
      if (!user.emailVerifiedAt) await this.repo.markEmailVerified(m, user.id, token.email, now);
      return true;
    });
    if (!ok) throw AccountSecurityError.invalidEmailToken();
    return { emailVerified: true };
  }

  /**
   * Always the same answer, whether or not the address belongs to anyone: the lookup and
   * the email are written after the answer is sent (a failure is logged), so neither the
   * status nor the time taken tells which addresses exist. The rate limit counts the
   * address whether it exists or not.
   */
  async requestPasswordReset(rawEmail: string, requestId: string): Promise<void> {
    const email = normaliseEmail(rawEmail);
    await this.limits.consumeSecurityEmail('password_reset', email);
    setImmediate(() => {
      this.writePasswordReset(email, requestId).catch((error: unknown) =>
        this.logger.error({ msg: 'password reset email could not be written', err: (error as Error).message }),
      );
    });
  }

  private async writePasswordReset(email: string, requestId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const user = await this.users.findByEmail(m, email);
      if (!user) return;
      const now = this.clock.now();
      const token = generateOpaqueToken('pr');
      const expiresAt = new Date(now.getTime() + this.options.passwordResetTtlMs);
      await this.repo.endEmailTokens(m, user.id, 'password_reset', now);
      await this.repo.insertEmailToken(m, {
        id: token.id,
        userId: user.id,
        purpose: 'password_reset',
        email,
        hash: token.hash,
        createdAt: now,
        expiresAt,
      });
      await this.emails.send(m, user, 'password_reset', { link: this.emails.link('reset-password', token.token), expiresAt, requestId });
    });
  }

  /**
   * Uses a reset link: the new password, every session revoked (whoever held one must sign
   * in again), and — the link having reached the address — the address verified.
   */
  async confirmPasswordReset(rawToken: string, newPassword: string, requestId: string): Promise<void> {
    const parsed = parseOpaqueToken('pr', rawToken);
    if (!parsed) throw AccountSecurityError.invalidEmailToken();
    const passwordHash = await this.hasher.hash(newPassword);
    const ok = await this.db.transaction(async (m) => {
      const now = this.clock.now();
      const token = await this.repo.findEmailTokenForUpdate(m, parsed.id, parsed.hash, 'password_reset');
      if (!token || token.usedAt || token.expiresAt.getTime() <= now.getTime()) return false;
      await this.repo.lockUser(m, token.userId);
      const user = await this.users.findById(m, token.userId);
      if (!user || user.email !== token.email) return false;
      await this.repo.useEmailToken(m, token.id, now);
      await this.repo.setPassword(m, user.id, passwordHash, now);
      if (!user.emailVerifiedAt) await this.repo.markEmailVerified(m, user.id, user.email, now);
      await this.sessions.revokeAllOf(m, user.id, 'password_reset');
      await this.emails.send(m, user, 'password_changed', { requestId });
      return true;
    });
    if (!ok) throw AccountSecurityError.invalidEmailToken();
  }

  /** Changes the password knowing the current one; every other session ends. */
  async changePassword(
    principal: Principal,
    currentPassword: string,
    newPassword: string,
    client: ClientInfo,
    requestId: string,
  ): Promise<void> {
    const user = await this.requireUser(this.db.manager, principal.userId);
    if (!(await this.hasher.verify(user.passwordHash, currentPassword))) throw AccountSecurityError.invalidPassword();
    const passwordHash = await this.hasher.hash(newPassword);
    await this.db.transaction(async (m) => {
      await this.repo.lockUser(m, user.id);
      await this.repo.setPassword(m, user.id, passwordHash, this.clock.now());
      await this.sessions.revokeAllOf(m, user.id, 'password_changed', principal.sessionId);
      await this.emails.send(m, user, 'password_changed', { client, requestId });
    });
  }

  /**
   * A new address, unverified until its link is used (money actions wait for it); the old
   * address is told, so a hijacker changing it does not go unnoticed.
   */
  async changeEmail(
    principal: Principal,
    rawEmail: string,
    password: string,
    requestId: string,
  ): Promise<{ email: string; emailVerified: false }> {
    const email = normaliseEmail(rawEmail);
    const user = await this.requireUser(this.db.manager, principal.userId);
    if (!(await this.hasher.verify(user.passwordHash, password))) throw AccountSecurityError.invalidPassword();
    if (email === user.email) throw AccountSecurityError.emailUnchanged();
    await this.limits.consumeSecurityEmail('verify_email', email);
    try {
      await this.db.transaction(async (m) => {
        await this.repo.lockUser(m, user.id);
        await this.repo.changeEmail(m, user.id, email);
        await this.repo.endEmailTokens(m, user.id, 'password_reset', this.clock.now());
        await this.sendVerification(m, { ...user, email }, requestId);
        await this.emails.send(m, user, 'email_changed', { to: user.email, newEmail: email, requestId });
        await this.emails.emailChanged(m, user.id, email, requestId);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) throw AuthError.emailTaken();
      throw error;
    }
    return { email, emailVerified: false };
  }

  private async requireUser(manager: EntityManager, userId: string): Promise<UserEntity> {
    const user = await this.users.findById(manager, userId);
    if (!user) throw AppError.unauthorized('This user no longer exists');
    return user;
  }
}
