import { Controller, Post, Req, UseGuards } from '@nestjs/common';
import { BillingReconciliationRpc } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { AuthenticatedRequest, CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { overrideReason, PlatformAdminGuard } from './platform-admin.guard';
import { ApiErrors } from '@fpms/common/openapi/api-docs';
import { AccessErrorCode } from '@fpms/contracts/errors';

// A run reads Stripe for every order to audit: longer than an ordinary RPC's budget.
const RECONCILIATION_TIMEOUT_MS = 10 * 60_000;

/** Billing's reconciliation on demand for platform admins: cross-tenant, audited by billing; answers the run's record. */
@Controller('admin/billing')
@UseGuards(AccessTokenGuard, PlatformAdminGuard)
@ApiErrors(AccessErrorCode)
export class AdminBillingReconciliationsController {
  constructor(private readonly rpc: RpcClient) {}

  @Post('reconciliations')
  start(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @Req() request: AuthenticatedRequest) {
    return this.rpc.call(BillingReconciliationRpc.adminStart, { reason: overrideReason(request) }, rpcContextFor(p, requestId), {
      timeoutMs: RECONCILIATION_TIMEOUT_MS,
    });
  }
}
