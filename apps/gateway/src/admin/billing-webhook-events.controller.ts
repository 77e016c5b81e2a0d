import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { AdminWebhookEventsQuery, BillingWebhooksRpc } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { AuthenticatedRequest, CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { overrideReason, PlatformAdminGuard } from './platform-admin.guard';
import { ApiErrors } from '@fpms/common/openapi/api-docs';
import { AccessErrorCode, WebhookErrorCode } from '@fpms/contracts/errors';

/** Billing's webhook ledger for platform admins: an audited cross-tenant read (billing records it before answering). */
@Controller('admin/billing')
@UseGuards(AccessTokenGuard, PlatformAdminGuard)
@ApiErrors(AccessErrorCode, WebhookErrorCode)
export class AdminBillingWebhookEventsController {
  constructor(private readonly rpc: RpcClient) {}

  @Get('webhook-events')
  list(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @Req() request: AuthenticatedRequest,
    @Query() query: AdminWebhookEventsQuery,
  ) {
    return this.rpc.call(BillingWebhooksRpc.adminListEvents, { ...query, reason: overrideReason(request) }, rpcContextFor(p, requestId));
  }
}
