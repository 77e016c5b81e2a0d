import { Body, Controller, Delete, Get, HttpCode, Patch, UseGuards } from '@nestjs/common';
import { ChangeMemberRoleBody, WorkspaceRpc } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { IdParam, WorkspaceIdParam } from '../common/id-param';
import { MemberErrorCode } from '@fpms/contracts/errors';

const MemberIdParam = () => IdParam('userId', MemberErrorCode.MemberNotFound, 'Member');

@Controller('workspaces/:workspaceId/members')
@UseGuards(AccessTokenGuard)
export class MembersController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  list(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @WorkspaceIdParam() workspaceId: string) {
    return this.rpc.call(WorkspaceRpc.listMembers, { workspaceId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Patch(':userId')
  changeRole(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @MemberIdParam() userId: string,
    @Body() body: ChangeMemberRoleBody,
  ) {
    return this.rpc.call(WorkspaceRpc.changeMemberRole, { workspaceId, userId, role: body.role }, rpcContextFor(p, requestId, workspaceId));
  }

  @Delete(':userId')
  @HttpCode(204)
  async remove(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @MemberIdParam() userId: string,
  ) {
    await this.rpc.call(WorkspaceRpc.removeMember, { workspaceId, userId }, rpcContextFor(p, requestId, workspaceId));
  }
}
