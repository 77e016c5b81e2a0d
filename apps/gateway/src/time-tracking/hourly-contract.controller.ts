import { Body, Controller, Get, HttpCode, Post, Put, UseGuards } from '@nestjs/common';
import { AcceptHourlyContractBody, BillingHourlyRpc, ProposeHourlyContractBody, SetTimeZoneBody, TimeTrackingRpc } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { WorkspaceIdParam } from '../common/id-param';
import { Idempotency, IdempotencyRequest } from '../common/idempotency-key';
import { MoneyAction } from '../security/money-action.guard';
import { ApiErrors } from '@fpms/common/openapi/api-docs';
import { AccessErrorCode, ConnectErrorCode, HourlyBillingErrorCode, PlanErrorCode, TimeTrackingErrorCode } from '@fpms/contracts/errors';

/** The workspace's hourly contract and the account's time zone its weeks follow (docs/time-tracking.md). */
@Controller('workspaces/:workspaceId')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, PlanErrorCode, TimeTrackingErrorCode, HourlyBillingErrorCode, ConnectErrorCode)
export class HourlyContractController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('hourly-contract')
  get(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @WorkspaceIdParam() workspaceId: string) {
    return this.rpc.call(TimeTrackingRpc.getContract, { workspaceId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Post('hourly-contract')
  propose(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Body() body: ProposeHourlyContractBody,
    @Idempotency() idem: IdempotencyRequest,
  ) {
    return this.rpc.call(TimeTrackingRpc.proposeContract, { workspaceId, ...body }, rpcContextFor(p, requestId, workspaceId, idem));
  }

  @Post('hourly-contract/accept')
  @HttpCode(200)
  accept(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Body() body: AcceptHourlyContractBody,
  ) {
    return this.rpc.call(TimeTrackingRpc.acceptContract, { workspaceId, ...body }, rpcContextFor(p, requestId, workspaceId));
  }

  @Post('hourly-contract/end')
  @HttpCode(200)
  end(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @WorkspaceIdParam() workspaceId: string) {
    return this.rpc.call(TimeTrackingRpc.endContract, { workspaceId }, rpcContextFor(p, requestId, workspaceId));
  }

  /**
   * The client admin saves (or replaces) the card that pays the contract's weeks: `{ url }` of a
   * setup-mode Stripe Checkout page (billing). A money action: the caller's email must be verified.
   */
  @MoneyAction()
  @Post('hourly-contract/payment-method')
  @HttpCode(200)
  savePaymentMethod(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @WorkspaceIdParam() workspaceId: string) {
    return this.rpc.call(BillingHourlyRpc.savePaymentMethod, { workspaceId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Put('time-zone')
  setTimeZone(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Body() body: SetTimeZoneBody,
  ) {
    return this.rpc.call(TimeTrackingRpc.setTimeZone, { workspaceId, ...body }, rpcContextFor(p, requestId, workspaceId));
  }
}
