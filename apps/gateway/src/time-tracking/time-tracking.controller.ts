import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, UseGuards } from '@nestjs/common';
import {
  CreateTimeEntryBody,
  ListTimeEntriesQuery,
  StartTimerBody,
  TimeSummaryQuery,
  TimeTrackingRpc,
  UpdateTimeEntryBody,
} from '@fpms/contracts';
import { TimeTrackingErrorCode, AccessErrorCode, MilestoneErrorCode, PlanErrorCode, TaskErrorCode } from '@fpms/contracts/errors';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { IdParam, WorkspaceIdParam } from '../common/id-param';
import { Idempotency, IdempotencyRequest } from '../common/idempotency-key';
import { ApiErrors } from '@fpms/common/openapi/api-docs';

const EntryIdParam = () => IdParam('entryId', TimeTrackingErrorCode.TimeEntryNotFound, 'Time entry');

/** Time entries, the week's timesheet and the timer (docs/time-tracking.md). */
@Controller('workspaces/:workspaceId')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, PlanErrorCode, TimeTrackingErrorCode, TaskErrorCode, MilestoneErrorCode)
export class TimeTrackingController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('time-entries')
  create(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Body() body: CreateTimeEntryBody,
    @Idempotency() idem: IdempotencyRequest,
  ) {
    return this.rpc.call(TimeTrackingRpc.createEntry, { workspaceId, ...body }, rpcContextFor(p, requestId, workspaceId, idem));
  }

  @Get('time-entries')
  list(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Query() q: ListTimeEntriesQuery,
  ) {
    return this.rpc.call(TimeTrackingRpc.listEntries, { workspaceId, ...q }, rpcContextFor(p, requestId, workspaceId));
  }

  @Get('time-entries/summary')
  summary(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Query() q: TimeSummaryQuery,
  ) {
    return this.rpc.call(TimeTrackingRpc.summary, { workspaceId, ...q }, rpcContextFor(p, requestId, workspaceId));
  }

  @Patch('time-entries/:entryId')
  update(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @EntryIdParam() entryId: string,
    @Body() body: UpdateTimeEntryBody,
  ) {
    return this.rpc.call(TimeTrackingRpc.updateEntry, { workspaceId, entryId, ...body }, rpcContextFor(p, requestId, workspaceId));
  }

  @Delete('time-entries/:entryId')
  @HttpCode(204)
  async remove(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @EntryIdParam() entryId: string,
  ) {
    await this.rpc.call(TimeTrackingRpc.removeEntry, { workspaceId, entryId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Get('timer')
  timer(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @WorkspaceIdParam() workspaceId: string) {
    return this.rpc.call(TimeTrackingRpc.getTimer, { workspaceId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Post('timer/start')
  start(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Body() body: StartTimerBody,
    @Idempotency() idem: IdempotencyRequest,
  ) {
    return this.rpc.call(TimeTrackingRpc.startTimer, { workspaceId, ...body }, rpcContextFor(p, requestId, workspaceId, idem));
  }

  @Post('timer/stop')
  @HttpCode(200)
  stop(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @WorkspaceIdParam() workspaceId: string) {
    return this.rpc.call(TimeTrackingRpc.stopTimer, { workspaceId }, rpcContextFor(p, requestId, workspaceId));
  }
}
