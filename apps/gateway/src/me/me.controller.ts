import { Controller, Get, UseGuards } from '@nestjs/common';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId } from '../auth/principal';
import { MeService } from './me.service';

@Controller('me')
@UseGuards(AccessTokenGuard)
export class MeController {
  constructor(private readonly me: MeService) {}

  /** Who am I: the user, their accounts and every workspace they are a member of, with role. */
  @Get()
  get(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string) {
    return this.me.get(principal, requestId);
  }
}
