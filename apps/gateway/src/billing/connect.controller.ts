import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { BillingConnectRpc } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { MoneyAction } from '../security/money-action.guard';
import { ApiErrors } from '@fpms/common/openapi/api-docs';
import { AccessErrorCode, ConnectErrorCode } from '@fpms/contracts/errors';

/**
 * Thin: the caller's own account (the token's) — billing refuses a caller who owns none
 * (403 connect_account_owner_required). Onboarding is idempotent by nature (one connected
 * account per account, a fresh link per call), so it takes no Idempotency-Key: replaying a
 * stored answer would hand back a link that is already spent or expired.
 */
@Controller('billing/connect')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, ConnectErrorCode)
export class ConnectController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  state(@CurrentPrincipal() p: Principal, @RequestId() requestId: string) {
    return this.rpc.call(BillingConnectRpc.state, {}, rpcContextFor(p, requestId));
  }

  /** Receiving payouts: a verified email, and two-factor sign-in for the owner (OWNER_2FA_REQUIRED). */
  @MoneyAction({ ownerTwoFactor: true })
  @Post('onboarding')
  @HttpCode(200)
  startOnboarding(@CurrentPrincipal() p: Principal, @RequestId() requestId: string) {
    return this.rpc.call(BillingConnectRpc.startOnboarding, {}, rpcContextFor(p, requestId));
  }
}
