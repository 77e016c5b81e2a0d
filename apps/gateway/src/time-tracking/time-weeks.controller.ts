import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { DisputeTimeEntryBody, TimeTrackingRpc } from '@fpms/contracts';
import { AccessErrorCode, PlanErrorCode, TimeTrackingErrorCode } from '@fpms/contracts/errors';
import { ApiErrors } from '@fpms/common/openapi/api-docs';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { IdParam, WorkspaceIdParam } from '../common/id-param';

const EntryIdParam = () => IdParam('entryId', TimeTrackingErrorCode.TimeEntryNotFound, 'Time entry');

/** Closed weeks of the hourly contract and the client's review of them (docs/time-tracking.md, "Weekly cycle"). */
@Controller('workspaces/:workspaceId/time-weeks')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, PlanErrorCode, TimeTrackingErrorCode)
export class TimeWeeksController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  list(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @WorkspaceIdParam() workspaceId: string) {
    return this.rpc.call(TimeTrackingRpc.listWeeks, { workspaceId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Get(':weekStart')
  get(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Param('weekStart') weekStart: string,
  ) {
    return this.rpc.call(TimeTrackingRpc.getWeek, { workspaceId, weekStart }, rpcContextFor(p, requestId, workspaceId));
  }

  @Post(':weekStart/accept')
  @HttpCode(200)
  accept(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Param('weekStart') weekStart: string,
  ) {
    return this.rpc.call(TimeTrackingRpc.acceptWeek, { workspaceId, weekStart }, rpcContextFor(p, requestId, workspaceId));
  }

  @Post(':weekStart/entries/:entryId/dispute')
  @HttpCode(200)
  dispute(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Param('weekStart') weekStart: string,
    @EntryIdParam() entryId: string,
    @Body() body: DisputeTimeEntryBody,
  ) {
    return this.rpc.call(
      TimeTrackingRpc.disputeEntry,
      { workspaceId, weekStart, entryId, ...body },
      rpcContextFor(p, requestId, workspaceId),
    );
  }

  @Post(':weekStart/entries/:entryId/dispute/withdraw')
  @HttpCode(200)
  withdraw(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Param('weekStart') weekStart: string,
    @EntryIdParam() entryId: string,
  ) {
    return this.rpc.call(TimeTrackingRpc.withdrawDispute, { workspaceId, weekStart, entryId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Post(':weekStart/entries/:entryId/dispute/concede')
  @HttpCode(200)
  concede(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Param('weekStart') weekStart: string,
    @EntryIdParam() entryId: string,
  ) {
    return this.rpc.call(TimeTrackingRpc.concedeDispute, { workspaceId, weekStart, entryId }, rpcContextFor(p, requestId, workspaceId));
  }
}
