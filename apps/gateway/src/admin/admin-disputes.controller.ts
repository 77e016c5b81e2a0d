import { Body, Controller, Get, HttpCode, Post, Query, Req, UseGuards } from '@nestjs/common';
import { AdminDisputesQuery, DisputesRpc, ResolveDisputeBody } from '@fpms/contracts';
import { DisputeErrorCode, AccessErrorCode, MilestoneErrorCode, PaymentErrorCode } from '@fpms/contracts/errors';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { AuthenticatedRequest, CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { IdParam } from '../common/id-param';
import { overrideReason, PlatformAdminGuard } from './platform-admin.guard';
import { ApiErrors } from '@fpms/common/openapi/api-docs';

const DisputeIdParam = () => IdParam('disputeId', DisputeErrorCode.DisputeNotFound, 'Dispute');

/**
 * In-app disputes across tenants, for platform admins: a non-admin is refused (403) and an
 * admin without a reason (400) before the workspace service is asked anything; it re-checks
 * the admin flag and audits every read and resolution before answering.
 */
@Controller('admin/disputes')
@UseGuards(AccessTokenGuard, PlatformAdminGuard)
@ApiErrors(AccessErrorCode, DisputeErrorCode, PaymentErrorCode, MilestoneErrorCode)
export class AdminDisputesController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  list(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @Req() request: AuthenticatedRequest,
    @Query() q: AdminDisputesQuery,
  ) {
    return this.rpc.call(DisputesRpc.adminList, { ...q, reason: overrideReason(request, 400) }, rpcContextFor(p, requestId));
  }

  @Get(':disputeId')
  get(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @Req() request: AuthenticatedRequest,
    @DisputeIdParam() disputeId: string,
  ) {
    return this.rpc.call(DisputesRpc.adminGet, { disputeId, reason: overrideReason(request, 400) }, rpcContextFor(p, requestId));
  }

  @Post(':disputeId/resolve')
  @HttpCode(200)
  resolve(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @Req() request: AuthenticatedRequest,
    @DisputeIdParam() disputeId: string,
    @Body() body: ResolveDisputeBody,
  ) {
    return this.rpc.call(
      DisputesRpc.adminResolve,
      { ...body, disputeId, reason: overrideReason(request, 400) },
      rpcContextFor(p, requestId),
    );
  }
}
