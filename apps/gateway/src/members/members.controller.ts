import { Body, Controller, Delete, Get, HttpCode, Patch, UseGuards } from '@nestjs/common';
import { ChangeMemberRoleBody, WorkspaceRpc } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { IdParam, WorkspaceIdParam } from '../common/id-param';
import { MemberErrorCode, AccessErrorCode, PlanErrorCode } from '@fpms/contracts/errors';
import { RealtimeGateway } from '../realtime/realtime.gateway';
import { ApiErrors } from '@fpms/common/openapi/api-docs';

const MemberIdParam = () => IdParam('userId', MemberErrorCode.MemberNotFound, 'Member');

@Controller('workspaces/:workspaceId/members')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, PlanErrorCode, MemberErrorCode)
export class MembersController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly realtime: RealtimeGateway,
  ) {}

  @Get()
  list(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @WorkspaceIdParam() workspaceId: string) {
    return this.rpc.call(WorkspaceRpc.listMembers, { workspaceId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Patch(':userId')
  async changeRole(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @MemberIdParam() userId: string,
    @Body() body: ChangeMemberRoleBody,
  ) {
    const member = await this.rpc.call(
      WorkspaceRpc.changeMemberRole,
      { workspaceId, userId, role: body.role },
      rpcContextFor(p, requestId, workspaceId),
    );
    // At once, on every replica (the workspace.member.role_changed event does it again, for changes made elsewhere).
    this.realtime.placeMember(userId, workspaceId, member.role);
    return member;
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
    // The removed member's sockets leave the workspace's rooms before this answers (the event repeats it).
    this.realtime.leaveWorkspace(userId, workspaceId);
  }
}
