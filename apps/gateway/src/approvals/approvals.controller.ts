import { Body, Controller, Delete, Get, HttpCode, Param, PipeTransform, Post, Put, Query, UseGuards } from '@nestjs/common';
import {
  APPROVAL_ACTIONS,
  ApprovalAction,
  ApprovalsRpc,
  ApproveGateBody,
  CancelApprovalBody,
  ListApprovalsQuery,
  PutApprovalPolicyBody,
  RejectGateBody,
} from '@fpms/contracts';
import { ApprovalErrorCode, AccessErrorCode, MilestoneErrorCode, PlanErrorCode } from '@fpms/contracts/errors';
import { AppError } from '@fpms/common/errors/app-error';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { IdParam, WorkspaceIdParam } from '../common/id-param';
import { MoneyAction } from '../security/money-action.guard';
import { Idempotency, IdempotencyRequest } from '../common/idempotency-key';
import { ApiErrors } from '@fpms/common/openapi/api-docs';

const RequestIdParam = () => IdParam('requestId', ApprovalErrorCode.ApprovalNotFound, 'Approval request');

/** An action that is not one of the gated ones names no policy: 404, like a malformed id. */
class ApprovalActionPipe implements PipeTransform<string, ApprovalAction> {
  transform(value: string): ApprovalAction {
    if (!(APPROVAL_ACTIONS as readonly string[]).includes(value)) {
      throw new AppError(404, ApprovalErrorCode.PolicyNotFound, 'No approval policy for this action', { actions: APPROVAL_ACTIONS });
    }
    return value as ApprovalAction;
  }
}

/** Approval chains (docs/approvals.md): thin, the workspace service owns the rules. */
@Controller('workspaces/:workspaceId')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, PlanErrorCode, ApprovalErrorCode, MilestoneErrorCode)
export class ApprovalsController {
  constructor(private readonly rpc: RpcClient) {}

  /** Open and past requests, newest first, each with its gates and gate log. */
  @Get('approvals')
  list(@CurrentPrincipal() p: Principal, @RequestId() r: string, @WorkspaceIdParam() w: string, @Query() q: ListApprovalsQuery) {
    return this.rpc.call(ApprovalsRpc.list, { workspaceId: w, ...q }, rpcContextFor(p, r, w));
  }

  /** Passing a gate can move money (the last one runs the action): a money action, like the action itself. */
  @Post('approvals/:requestId/approve')
  @HttpCode(200)
  @MoneyAction()
  approve(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @RequestIdParam() requestId: string,
    @Body() b: ApproveGateBody,
    @Idempotency() idem: IdempotencyRequest,
  ) {
    return this.rpc.call(ApprovalsRpc.approve, { workspaceId: w, requestId, ...b }, rpcContextFor(p, r, w, idem));
  }

  @Post('approvals/:requestId/reject')
  @HttpCode(200)
  reject(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @RequestIdParam() requestId: string,
    @Body() b: RejectGateBody,
    @Idempotency() idem: IdempotencyRequest,
  ) {
    return this.rpc.call(ApprovalsRpc.reject, { workspaceId: w, requestId, ...b }, rpcContextFor(p, r, w, idem));
  }

  @Post('approvals/:requestId/cancel')
  @HttpCode(200)
  cancel(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @RequestIdParam() requestId: string,
    @Body() b: CancelApprovalBody,
    @Idempotency() idem: IdempotencyRequest,
  ) {
    return this.rpc.call(ApprovalsRpc.cancel, { workspaceId: w, requestId, ...b }, rpcContextFor(p, r, w, idem));
  }

  @Get('approval-policies')
  policies(@CurrentPrincipal() p: Principal, @RequestId() r: string, @WorkspaceIdParam() w: string) {
    return this.rpc.call(ApprovalsRpc.listPolicies, { workspaceId: w }, rpcContextFor(p, r, w));
  }

  /** The whole ordered chain of the action (replaces the previous one; open requests keep theirs). */
  @Put('approval-policies/:action')
  putPolicy(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @Param('action', new ApprovalActionPipe()) action: ApprovalAction,
    @Body() b: PutApprovalPolicyBody,
  ) {
    return this.rpc.call(ApprovalsRpc.putPolicy, { workspaceId: w, action, ...b }, rpcContextFor(p, r, w));
  }

  @Delete('approval-policies/:action')
  @HttpCode(204)
  async deletePolicy(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @Param('action', new ApprovalActionPipe()) action: ApprovalAction,
  ): Promise<void> {
    await this.rpc.call(ApprovalsRpc.deletePolicy, { workspaceId: w, action }, rpcContextFor(p, r, w));
  }
}
