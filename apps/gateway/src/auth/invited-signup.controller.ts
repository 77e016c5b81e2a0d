import { Body, Controller, Param, Post } from '@nestjs/common';
import { ClientInfo, CurrentClient } from '../sessions/client-info';
import { AuthService } from './auth.service';
import { RequestId } from './principal';
import { NewUserBody } from '@fpms/contracts';
import { ApiErrors } from '@fpms/common/openapi/api-docs';
import { AccountErrorCode, AuthErrorCode, InvitationErrorCode } from '@fpms/contracts/errors';

/** Public: the invitation token is the permission to create a client user for its workspace. */
@Controller('invitations/:token/signup')
@ApiErrors(AuthErrorCode, InvitationErrorCode, AccountErrorCode)
export class InvitedSignupController {
  constructor(private readonly auth: AuthService) {}

  @Post()
  signup(@Param('token') token: string, @Body() body: NewUserBody, @RequestId() requestId: string, @CurrentClient() client: ClientInfo) {
    return this.auth.signupWithInvitation(token, body, requestId, client);
  }
}
