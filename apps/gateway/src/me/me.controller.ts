import { Body, Controller, Delete, Get, HttpCode, UseGuards } from '@nestjs/common';
import { EraseAccountBody } from '@fpms/contracts';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId } from '../auth/principal';
import { ErasureService } from '../erasure/erasure.service';
import { MeService } from './me.service';
import { ApiErrors } from '@fpms/common/openapi/api-docs';
import { AccountErrorCode, ErasureErrorCode, SessionErrorCode, AccountSecurityErrorCode } from '@fpms/contracts/errors';

@Controller('me')
@UseGuards(AccessTokenGuard)
@ApiErrors(SessionErrorCode, AccountErrorCode, ErasureErrorCode, AccountSecurityErrorCode)
export class MeController {
  constructor(
    private readonly me: MeService,
    private readonly erasure: ErasureService,
  ) {}

  /** Who am I: the user, their accounts and every workspace they are a member of, with role. */
  @Get()
  get(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string) {
    return this.me.get(principal, requestId);
  }

  /**
   * Erases the caller's account (issue 18 part 5): password, and a second factor when
   * two-factor sign-in is on; 409 `erasure_blocked` while money is in flight. 202: the
   * gateway's part is done, every other service applies it from `gateway.user.erased`.
   */
  @Delete()
  @HttpCode(202)
  erase(@CurrentPrincipal() principal: Principal, @Body() body: EraseAccountBody, @RequestId() requestId: string) {
    return this.erasure.erase(principal, body.password, { code: body.code, recoveryCode: body.recoveryCode }, requestId);
  }
}
