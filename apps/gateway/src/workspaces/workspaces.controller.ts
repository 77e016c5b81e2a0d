import { Body, Controller, Get, Patch, Post, UseGuards } from '@nestjs/common';
import { CreateWorkspaceBody, UpdateWorkspaceBody, WorkspaceRpc } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { WorkspaceIdParam } from '../common/id-param';
import { Idempotency, IdempotencyRequest } from '../common/idempotency-key';
import { ApiErrors } from '@fpms/common/openapi/api-docs';
import { AccessErrorCode, AccountErrorCode, PlanErrorCode } from '@fpms/contracts/errors';

/** Thin: authenticate, then forward to the workspace service over RPC. */
@Controller('workspaces')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, PlanErrorCode, AccountErrorCode)
export class WorkspacesController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  create(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
    @Body() body: CreateWorkspaceBody,
    @Idempotency() idem: IdempotencyRequest,
  ) {
    return this.rpc.call(WorkspaceRpc.createWorkspace, body, rpcContextFor(principal, requestId, undefined, idem));
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string) {
    return this.rpc.call(WorkspaceRpc.listWorkspaces, {}, rpcContextFor(principal, requestId));
  }

  @Get(':workspaceId')
  get(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string, @WorkspaceIdParam() workspaceId: string) {
    return this.rpc.call(WorkspaceRpc.getWorkspace, { workspaceId }, rpcContextFor(principal, requestId, workspaceId));
  }

  @Patch(':workspaceId')
  update(
    @CurrentPrincipal() principal: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Body() body: UpdateWorkspaceBody,
  ) {
    return this.rpc.call(WorkspaceRpc.updateWorkspace, { workspaceId, ...body }, rpcContextFor(principal, requestId, workspaceId));
  }
}
