import { Controller, Get, UseGuards } from '@nestjs/common';
import { DashboardRpc } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { IdParam, WorkspaceIdParam } from '../common/id-param';
import { AccountErrorCode, AccessErrorCode } from '@fpms/contracts/errors';
import { ApiErrors } from '@fpms/common/openapi/api-docs';

/** Dashboards come from the workspace service's read models: one primary-key lookup each. */
@Controller()
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, AccountErrorCode)
export class DashboardController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('workspaces/:workspaceId/dashboard')
  workspace(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @WorkspaceIdParam() workspaceId: string) {
    return this.rpc.call(DashboardRpc.workspace, { workspaceId }, rpcContextFor(p, requestId, workspaceId));
  }

  /** The account's own freelancer only (404 for anyone else). */
  @Get('accounts/:accountId/dashboard')
  account(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @IdParam('accountId', AccountErrorCode.AccountNotFound, 'Account') accountId: string,
  ) {
    return this.rpc.call(DashboardRpc.account, { accountId }, rpcContextFor(p, requestId));
  }
}
