import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ClientInfo, CurrentClient } from '../sessions/client-info';
import { AuthService } from './auth.service';
import { RequestId } from './principal';
import { LoginBody, LoginSecondStepBody, RefreshTokenBody, SignupBody } from '@fpms/contracts';
import { ApiErrors } from '@fpms/common/openapi/api-docs';
import { AccountErrorCode, AccountSecurityErrorCode, AuthErrorCode, SessionErrorCode } from '@fpms/contracts/errors';

@Controller('auth')
@ApiErrors(AuthErrorCode, SessionErrorCode, AccountSecurityErrorCode, AccountErrorCode)
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('signup')
  signup(@Body() body: SignupBody, @RequestId() requestId: string, @CurrentClient() client: ClientInfo) {
    return this.auth.signup(body, requestId, client);
  }

  @Post('login')
  @HttpCode(200)
  login(@Body() body: LoginBody, @CurrentClient() client: ClientInfo, @RequestId() requestId: string) {
    return this.auth.login(body, client, requestId);
  }

  /** The second step when two-factor sign-in is on: the challenge and a TOTP or recovery code. */
  @Post('login/2fa')
  @HttpCode(200)
  loginSecondStep(@Body() body: LoginSecondStepBody, @CurrentClient() client: ClientInfo, @RequestId() requestId: string) {
    return this.auth.loginSecondStep(body.challengeToken, body, client, requestId);
  }

  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() body: RefreshTokenBody, @CurrentClient() client: ClientInfo) {
    return this.auth.refresh(body.refreshToken, client);
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@Body() body: RefreshTokenBody): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }
}
