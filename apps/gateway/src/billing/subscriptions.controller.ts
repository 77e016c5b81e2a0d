import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { BillingSubscriptionsRpc, ChangeSubscriptionBody, StartSubscriptionCheckoutBody } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { ApiErrors } from '@fpms/common/openapi/api-docs';
import { AccessErrorCode, PlanErrorCode, SubscriptionErrorCode } from '@fpms/contracts/errors';

/**
 * Thin: the caller's own account's plan (the token's) — billing refuses a caller who owns
 * none (403 subscription_account_owner_required). No Idempotency-Key: billing derives
 * Stripe's keys from the account (one customer, one open checkout page per plan and
 * version), and a change or cancel asked twice is asked once.
 */
@Controller('billing')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, PlanErrorCode, SubscriptionErrorCode)
export class SubscriptionsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('checkout')
  @HttpCode(200)
  checkout(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @Body() body: StartSubscriptionCheckoutBody) {
    return this.rpc.call(BillingSubscriptionsRpc.checkout, body, rpcContextFor(p, requestId));
  }

  @Get('subscription')
  get(@CurrentPrincipal() p: Principal, @RequestId() requestId: string) {
    return this.rpc.call(BillingSubscriptionsRpc.get, {}, rpcContextFor(p, requestId));
  }

  @Post('subscription/change')
  @HttpCode(200)
  change(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @Body() body: ChangeSubscriptionBody) {
    return this.rpc.call(BillingSubscriptionsRpc.change, body, rpcContextFor(p, requestId));
  }

  @Post('subscription/cancel')
  @HttpCode(200)
  cancel(@CurrentPrincipal() p: Principal, @RequestId() requestId: string) {
    return this.rpc.call(BillingSubscriptionsRpc.cancel, {}, rpcContextFor(p, requestId));
  }
}
