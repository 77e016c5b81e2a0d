import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessTokenService } from '@fpms/auth/access-token';
import { AccountView, GatewayEvents, GLOBAL_TENANT_ACCOUNT_ID, MyWorkspaceView, WorkspaceRpc } from '@fpms/contracts';
import { OutboxWriter } from '@fpms/messaging/events';
import { setTenantContext } from '@fpms/database/tenant-context';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { ClientInfo } from '../sessions/client-info';
import { SessionGrant, SessionsService } from '../sessions/sessions.service';
import { SessionError } from '../sessions/sessions.errors';
import { AuthError } from './auth.errors';
import { PasswordHasher } from './password-hasher';
import { UsersRepository } from './users.repository';
import { UserEntity } from './entities/user.entity';
import { AccountSecurityErrorCode } from '@fpms/contracts/errors/account-security.errors';
import { AppError } from '@fpms/common/errors/app-error';
import { EmailSecurityService } from '../security/email-security.service';
import { SecurityEmails } from '../security/security-emails';
import { SecondFactor, TwoFactorService } from '../security/two-factor.service';
import { LoginBody, NewUserBody, SignupBody } from '@fpms/contracts';

export interface TokenResponse {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  /** Opaque, single use: each refresh returns the next one. */
  refreshToken: string;
  refreshExpiresIn: number;
}

/** What an access token says about its user, read fresh at login and at every refresh. */
interface UserClaims {
  userId: string;
  accountId?: string;
  email: string;
  isPlatformAdmin?: boolean;
}

/** The password was right and the user has two-factor sign-in: POST /auth/login/2fa with a code next. */
export interface TwoFactorChallengeResponse {
  twoFactorRequired: true;
  challengeToken: string;
  expiresIn: number;
}

export interface SignupResponse extends TokenResponse {
  user: { id: string; email: string; name: string };
  account: AccountView;
}

export interface InvitedSignupResponse extends TokenResponse {
  user: { id: string; email: string; name: string };
  /**
   * Null when the invitation is bound to the email address: it is accepted (POST
   * /invitations/:token/accept) once the address is verified, from the link just emailed.
   */
  workspace: MyWorkspaceView | null;
}

const normaliseEmail = (email: string) => email.trim().toLowerCase();

@Injectable()
export class AuthService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccessTokenService,
    private readonly rpc: RpcClient,
    @InjectDataSource() private readonly db: DataSource,
    private readonly sessions: SessionsService,
    private readonly limits: RateLimitService,
    private readonly outbox: OutboxWriter,
    private readonly emailSecurity: EmailSecurityService,
    private readonly twoFactor: TwoFactorService,
    private readonly securityEmails: SecurityEmails,
  ) {}

  /**
   * A freelancer signs up: user and membership here, the account in the workspace
   * service. The account RPC runs inside the user's transaction, so a failed call
   * leaves no user behind, and it is idempotent on the account id we chose.
   */
  async signup(input: SignupBody, requestId: string, client: ClientInfo): Promise<SignupResponse> {
    await this.limits.consumeSignupAttempt(client.ip);
    const email = normaliseEmail(input.email);
    const userId = randomUUID();
    const accountId = randomUUID();
    const passwordHash = await this.hasher.hash(input.password);
    return this.tx.run({ accountId, userId }, async (manager) => {
      const user = await this.users.insert(manager, { id: userId, email, passwordHash, displayName: input.name.trim() });
      await this.users.addMembership(manager, { userId, accountId, role: 'owner' });
      await this.announce(manager, user, accountId, requestId);
      await this.emailSecurity.sendVerification(manager, user, requestId);
      const session = await this.sessions.start(manager, userId, client);
      const token = this.issue({ userId, accountId, email }, session);
      const account = await this.rpc.call(
        WorkspaceRpc.createAccount,
        { accountId, name: input.accountName?.trim() || `${user.displayName}'s business` },
        { requestId, userId, accountId, token: token.accessToken },
      );
      return { ...token, user: { id: user.id, email: user.email, name: user.displayName }, account };
    });
  }

  /**
   * A client signs up through an invitation: a user with no account of their own, who
   * joins the invitation's workspace. Accepting runs inside the user's transaction, so an
   * expired, revoked or used-up invitation leaves no user behind.
   */
  async signupWithInvitation(
    invitationToken: string,
    input: NewUserBody,
    requestId: string,
    client: ClientInfo,
  ): Promise<InvitedSignupResponse> {
    await this.limits.consumeSignupAttempt(client.ip);
    const email = normaliseEmail(input.email);
    const userId = randomUUID();
    const passwordHash = await this.hasher.hash(input.password);
    return this.tx.runForUser({ userId }, async (manager) => {
      const user = await this.users.insert(manager, { id: userId, email, passwordHash, displayName: input.name.trim() });
      await this.announce(manager, user, null, requestId);
      await this.emailSecurity.sendVerification(manager, user, requestId);
      const session = await this.sessions.start(manager, userId, client);
      const token = this.issue({ userId, email }, session);
      // An email-bound invitation waits for the address to be verified (the user is kept):
      // an open one is accepted now. The workspace refuses without writing anything.
      const workspace = await this.rpc
        .call(
          WorkspaceRpc.acceptInvitation,
          { token: invitationToken, emailVerified: false },
          { requestId, userId, token: token.accessToken },
        )
        .catch((error: unknown) => {
          if (error instanceof AppError && error.code === AccountSecurityErrorCode.EmailNotVerified) return null;
          throw error;
        });
      return { ...token, user: { id: user.id, email: user.email, name: user.displayName }, workspace };
    });
  }

  async login(input: LoginBody, client: ClientInfo, requestId?: string): Promise<TokenResponse | TwoFactorChallengeResponse> {
    const email = normaliseEmail(input.email);
    // Before argon2: the hash is the expensive part a guesser would make us pay for.
    await this.limits.consumeLoginAttempt(client.ip, email);
    // Users are global rows (no tenant yet at login), so this read needs no tenant scope.
    const user = await this.users.findByEmail(this.db.manager, email);
    if (!(await this.hasher.verify(user?.passwordHash, input.password)) || !user) throw AuthError.invalidCredentials();
    await this.limits.loginSucceeded(email);
    return this.tx.runForUser({ userId: user.id }, async (m): Promise<TokenResponse | TwoFactorChallengeResponse> => {
      if (await this.twoFactor.isEnabled(m, user.id))
        return { twoFactorRequired: true, ...(await this.twoFactor.startChallenge(m, user.id)) };
      return this.startSession(m, user, client, requestId);
    });
  }

  /** The login's second step: the challenge from the password step and a TOTP or recovery code. */
  async loginSecondStep(challengeToken: string, factor: SecondFactor, client: ClientInfo, requestId?: string): Promise<TokenResponse> {
    return this.twoFactor.completeChallenge(challengeToken, factor, async (m, userId) => {
      const asUser = await setTenantContext(m, { userId });
      const user = await this.users.findById(asUser, userId);
      if (!user) throw AppError.unauthorized('This user no longer exists');
      return this.startSession(asUser, user, client, requestId);
    });
  }

  /** A signed-in session; a device never seen for this user gets a security email. */
  private async startSession(m: TenantManager, user: UserEntity, client: ClientInfo, requestId?: string): Promise<TokenResponse> {
    const claims = await this.claimsFor(m, user);
    const known = await this.sessions.knowsDevice(m, user.id, client);
    const grant = await this.sessions.start(m, user.id, client);
    if (!known) await this.securityEmails.send(m, user, 'new_sign_in', { client, requestId });
    return this.issue(claims, grant);
  }

  /** Spends a refresh token for a new access token and the next refresh token. */
  async refresh(refreshToken: string, client: ClientInfo): Promise<TokenResponse> {
    await this.limits.consumeRefreshAttempt(client.ip);
    const { session, claims } = await this.sessions.rotate(refreshToken, client, async (m, userId) => {
      // Memberships are read as the user (RLS), inside the rotation's transaction.
      const asUser = await setTenantContext(m, { userId });
      const user = await this.users.findById(asUser, userId);
      if (!user) throw SessionError.invalidRefreshToken();
      return this.claimsFor(asUser, user);
    });
    return this.issue(claims, session);
  }

  /** Ends the session the refresh token belongs to (idempotent; unknown tokens are ignored). */
  logout(refreshToken: string): Promise<void> {
    return this.sessions.revoke(refreshToken);
  }

  /** Tells messaging where to email the new user (in the signup's transaction: no user without it). */
  private async announce(manager: TenantManager, user: UserEntity, ownedAccountId: string | null, requestId: string): Promise<void> {
    await this.outbox.add(manager, {
      type: GatewayEvents.userRegistered,
      tenant: { accountId: ownedAccountId ?? GLOBAL_TENANT_ACCOUNT_ID },
      aggregateId: user.id,
      aggregateVersion: 1,
      requestId,
      data: { userId: user.id, email: user.email, displayName: user.displayName, ownedAccountId },
    });
  }

  /** The manager's transaction must be scoped to this user (memberships are RLS-protected). */
  private async claimsFor(manager: TenantManager, user: UserEntity): Promise<UserClaims> {
    const memberships = await this.users.listMemberships(manager, user.id);
    return {
      userId: user.id,
      accountId: memberships[0]?.accountId,
      email: user.email,
      isPlatformAdmin: user.isPlatformAdmin,
    };
  }

  private issue(claims: UserClaims, session: SessionGrant): TokenResponse {
    const accessToken = this.tokens.sign({
      sub: claims.userId,
      acc: claims.accountId,
      email: claims.email,
      // Re-read at every refresh: granting or withdrawing admin takes effect within one access-token lifetime.
      adm: claims.isPlatformAdmin ? true : undefined,
      sid: session.familyId,
    });
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresIn: this.tokens.ttlSeconds,
      refreshToken: session.refreshToken,
      refreshExpiresIn: session.refreshExpiresIn,
    };
  }
}
