import { Body, Controller, Delete, Get, Param, Post, UseGuards } from '@nestjs/common';
import { CreateInvitationBody, WorkspaceRpc } from '@fpms/contracts';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccountSecurityRepository } from '../security/account-security.repository';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { IdParam, WorkspaceIdParam } from '../common/id-param';
import { Idempotency, IdempotencyRequest } from '../common/idempotency-key';
import { InvitationErrorCode, AccessErrorCode, MemberErrorCode, PlanErrorCode, AccountSecurityErrorCode } from '@fpms/contracts/errors';
import { ApiErrors } from '@fpms/common/openapi/api-docs';

@Controller()
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, PlanErrorCode, InvitationErrorCode, MemberErrorCode, AccountSecurityErrorCode)
export class InvitationsController {
  constructor(
    private readonly rpc: RpcClient,
    @InjectDataSource() private readonly db: DataSource,
    private readonly security: AccountSecurityRepository,
  ) {}

  @Post('workspaces/:workspaceId/invitations')
  create(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Body() body: CreateInvitationBody,
    @Idempotency() idem: IdempotencyRequest,
  ) {
    return this.rpc.call(WorkspaceRpc.createInvitation, { workspaceId, ...body }, rpcContextFor(p, requestId, workspaceId, idem));
  }

  @Get('workspaces/:workspaceId/invitations')
  list(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @WorkspaceIdParam() workspaceId: string) {
    return this.rpc.call(WorkspaceRpc.listInvitations, { workspaceId }, rpcContextFor(p, requestId, workspaceId));
  }

  /** Revoking keeps the record (status `revoked`) for the activity trail. */
  @Delete('workspaces/:workspaceId/invitations/:invitationId')
  revoke(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @IdParam('invitationId', InvitationErrorCode.NotFound, 'Invitation') invitationId: string,
  ) {
    return this.rpc.call(WorkspaceRpc.revokeInvitation, { workspaceId, invitationId }, rpcContextFor(p, requestId, workspaceId));
  }

  /** A signed-in user joins the invitation's workspace with its role. */
  @Post('invitations/:token/accept')
  async accept(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @Param('token') token: string) {
    // The workspace knows whether the invitation is bound to an address; the gateway whether the caller's is verified.
    const emailVerified = (await this.security.standing(this.db.manager, p.userId))?.emailVerified === true;
    return this.rpc.call(WorkspaceRpc.acceptInvitation, { token, emailVerified }, rpcContextFor(p, requestId));
  }
}
