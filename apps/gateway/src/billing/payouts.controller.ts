import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { BillingPayoutsRpc, PageQuery } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { ApiErrors } from '@fpms/common/openapi/api-docs';
import { AccessErrorCode, PayoutErrorCode } from '@fpms/contracts/errors';

/** Thin: the caller's own account's payouts (the token's); billing refuses a caller who owns none (403 payouts_account_owner_required). */
@Controller('billing/payouts')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, PayoutErrorCode)
export class PayoutsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  list(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @Query() query: PageQuery) {
    return this.rpc.call(BillingPayoutsRpc.list, { ...query }, rpcContextFor(p, requestId));
  }
}
