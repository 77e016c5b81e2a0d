import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { PageQuery, WorkspaceRpc } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { WorkspaceIdParam } from '../common/id-param';
import { ApiErrors } from '@fpms/common/openapi/api-docs';
import { AccessErrorCode, PlanErrorCode } from '@fpms/contracts/errors';

@Controller('workspaces/:workspaceId/activity')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, PlanErrorCode)
export class ActivityController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  list(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Query() query: PageQuery,
  ) {
    return this.rpc.call(WorkspaceRpc.listActivity, { workspaceId, ...query }, rpcContextFor(p, requestId, workspaceId));
  }
}
