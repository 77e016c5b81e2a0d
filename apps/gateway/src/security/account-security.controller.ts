import { Body, Controller, Delete, Get, HttpCode, Post, Put, UseGuards } from '@nestjs/common';
import {
  ChangeEmailBody,
  ChangePasswordBody,
  EmailTokenBody,
  PasswordResetConfirmBody,
  PasswordResetRequestBody,
  SecondFactorBody,
  TotpCodeBody,
} from '@fpms/contracts';
import { AccountSecurityError } from '@fpms/auth/account-security.error';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId } from '../auth/principal';
import { IdParam } from '../common/id-param';
import { ClientInfo, CurrentClient } from '../sessions/client-info';
import { SessionsService } from '../sessions/sessions.service';
import { EmailSecurityService } from './email-security.service';
import { TwoFactorService } from './two-factor.service';
import { ApiErrors } from '@fpms/common/openapi/api-docs';
import { AccountSecurityErrorCode, AuthErrorCode, SessionErrorCode } from '@fpms/contracts/errors';

/** Public: the link's token (or the email, for a reset request) is all the caller has. */
@Controller('auth')
@ApiErrors(AccountSecurityErrorCode, AuthErrorCode, SessionErrorCode)
export class PublicAccountSecurityController {
  constructor(private readonly email: EmailSecurityService) {}

  /** The verification link's token: the address it was sent to becomes verified (refresh for a token that says so). */
  @Post('verify-email')
  @HttpCode(200)
  verifyEmail(@Body() body: EmailTokenBody) {
    return this.email.verifyEmail(body.token);
  }

  /** Always 202, whether the address exists or not; a link valid 1 h is emailed when it does. */
  @Post('password-reset')
  @HttpCode(202)
  async requestPasswordReset(@Body() body: PasswordResetRequestBody, @RequestId() requestId: string) {
    await this.email.requestPasswordReset(body.email, requestId);
    return { accepted: true };
  }

  /** Uses the link: the new password, and every session of the user revoked. */
  @Post('password-reset/confirm')
  @HttpCode(204)
  async confirmPasswordReset(@Body() body: PasswordResetConfirmBody, @RequestId() requestId: string): Promise<void> {
    await this.email.confirmPasswordReset(body.token, body.password, requestId);
  }
}

const SessionIdParam = () => IdParam('sessionId', AccountSecurityErrorCode.SessionNotFound, 'Session');

/** The signed-in user's own security settings: every route acts on the token's user only. */
@Controller('me')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccountSecurityErrorCode, AuthErrorCode, SessionErrorCode)
export class MySecurityController {
  constructor(
    private readonly email: EmailSecurityService,
    private readonly twoFactor: TwoFactorService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('email/verification')
  @HttpCode(202)
  resendVerification(@CurrentPrincipal() p: Principal, @RequestId() requestId: string) {
    return this.email.resendVerification(p, requestId);
  }

  @Put('email')
  changeEmail(@CurrentPrincipal() p: Principal, @Body() body: ChangeEmailBody, @RequestId() requestId: string) {
    return this.email.changeEmail(p, body.email, body.password, requestId);
  }

  @Put('password')
  @HttpCode(204)
  async changePassword(
    @CurrentPrincipal() p: Principal,
    @Body() body: ChangePasswordBody,
    @CurrentClient() client: ClientInfo,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.email.changePassword(p, body.currentPassword, body.newPassword, client, requestId);
  }

  @Get('2fa')
  async twoFactorStatus(@CurrentPrincipal() p: Principal) {
    return this.twoFactor.statusOf(p.userId);
  }

  /** Starts enrolment: the secret, its otpauth:// URI and QR code, shown this once. */
  @Post('2fa/totp')
  @HttpCode(201)
  enrol(@CurrentPrincipal() p: Principal) {
    return this.twoFactor.enrol(p);
  }

  /** The first code turns two-factor sign-in on; the answer holds the ten recovery codes. */
  @Post('2fa/totp/confirm')
  @HttpCode(200)
  confirm(@CurrentPrincipal() p: Principal, @Body() body: TotpCodeBody, @RequestId() requestId: string) {
    return this.twoFactor.confirm(p, body.code, requestId);
  }

  /** Turning it off needs a current code or a recovery code. */
  @Post('2fa/totp/disable')
  @HttpCode(204)
  async disable(@CurrentPrincipal() p: Principal, @Body() body: SecondFactorBody, @RequestId() requestId: string): Promise<void> {
    await this.twoFactor.disable(p, body, requestId);
  }

  /** The user's live sessions: device, IP, created, last used; `current` marks this token's. */
  @Get('sessions')
  async listSessions(@CurrentPrincipal() p: Principal) {
    const sessions = await this.sessions.list(p.userId);
    return {
      items: sessions.map((s) => ({
        id: s.id,
        device: s.userAgent,
        ip: s.ip,
        createdAt: s.createdAt.toISOString(),
        lastUsedAt: s.lastUsedAt.toISOString(),
        expiresAt: s.expiresAt.toISOString(),
        current: s.id === p.sessionId,
      })),
    };
  }

  /** Signs every other session out (this one stays). */
  @Delete('sessions')
  @HttpCode(200)
  async revokeOtherSessions(@CurrentPrincipal() p: Principal) {
    return { revoked: await this.sessions.revokeOthers(p.userId, p.sessionId) };
  }

  /** Ends one session; another user's session id is answered like an unknown one (404). */
  @Delete('sessions/:sessionId')
  @HttpCode(204)
  async revokeSession(@CurrentPrincipal() p: Principal, @SessionIdParam() sessionId: string): Promise<void> {
    if (!(await this.sessions.revokeSession(p.userId, sessionId))) throw AccountSecurityError.sessionNotFound();
  }
}
