import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { AdminAuditQuery, WorkspaceRpc } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { AuthenticatedRequest, CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { IdParam } from '../common/id-param';
import { overrideReason, PlatformAdminGuard } from './platform-admin.guard';
import { AccountErrorCode, AccessErrorCode } from '@fpms/contracts/errors';
import { ApiErrors } from '@fpms/common/openapi/api-docs';

@Controller('admin')
@UseGuards(AccessTokenGuard, PlatformAdminGuard)
@ApiErrors(AccessErrorCode)
export class AdminController {
  constructor(private readonly rpc: RpcClient) {}

  /** Audited cross-tenant read: the workspace service records it before answering. */
  @Get('accounts/:accountId/workspaces')
  accountWorkspaces(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @Req() request: AuthenticatedRequest,
    @IdParam('accountId', AccountErrorCode.AccountNotFound, 'Account') accountId: string,
  ) {
    return this.rpc.call(
      WorkspaceRpc.adminListAccountWorkspaces,
      { accountId, reason: overrideReason(request) },
      rpcContextFor(p, requestId),
    );
  }

  @Get('audit')
  audit(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @Query() query: AdminAuditQuery) {
    return this.rpc.call(WorkspaceRpc.adminListAudit, query, rpcContextFor(p, requestId));
  }
}
