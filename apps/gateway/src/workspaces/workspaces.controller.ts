import { Body, Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import { AppError } from '@fpms/common/errors/app-error';
import { WorkspaceRpc } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { CreateWorkspaceDto } from './dto/create-workspace.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Thin: authenticate, then forward to the workspace service over RPC. */
@Controller('workspaces')
@UseGuards(AccessTokenGuard)
export class WorkspacesController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  create(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string, @Body() body: CreateWorkspaceDto) {
    return this.rpc.call(WorkspaceRpc.createWorkspace, body, rpcContextFor(principal, requestId));
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string) {
    return this.rpc.call(WorkspaceRpc.listWorkspaces, {}, rpcContextFor(principal, requestId));
  }

  @Get(':workspaceId')
  get(@CurrentPrincipal() principal: Principal, @RequestId() requestId: string, @Param('workspaceId') workspaceId: string) {
    // A malformed id names no workspace: same answer as a missing one.
    if (!UUID.test(workspaceId)) throw new AppError(404, 'workspace_not_found', 'Workspace not found', { workspaceId });
    return this.rpc.call(WorkspaceRpc.getWorkspace, { workspaceId }, rpcContextFor(principal, requestId, workspaceId));
  }
}
