import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { WorkspaceRpc } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { WorkspaceIdParam } from '../common/id-param';
import { PageQueryDto } from '../common/page-query.dto';

@Controller('workspaces/:workspaceId/activity')
@UseGuards(AccessTokenGuard)
export class ActivityController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  list(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Query() query: PageQueryDto,
  ) {
    return this.rpc.call(
      WorkspaceRpc.listActivity,
      { workspaceId, limit: query.limit ?? 50, before: query.before },
      rpcContextFor(p, requestId, workspaceId),
    );
  }
}
