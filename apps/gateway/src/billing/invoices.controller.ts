import { Body, Controller, Get, Patch, Put, UseGuards } from '@nestjs/common';
import { BillingInvoicesRpc, InvoiceBuyerBody, InvoiceProfileBody } from '@fpms/contracts';
import { InvoiceErrorCode, AccessErrorCode, FilesErrorCode, PlanErrorCode } from '@fpms/contracts/errors';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { IdParam, WorkspaceIdParam } from '../common/id-param';
import { ApiErrors } from '@fpms/common/openapi/api-docs';

const InvoiceIdParam = () => IdParam('invoiceId', InvoiceErrorCode.NotFound, 'Invoice');

/** Thin: the caller's own account's invoicing details (billing refuses a caller who owns none: 403). */
@Controller('billing/invoice-profile')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, InvoiceErrorCode)
export class InvoiceProfileController {
  constructor(private readonly rpc: RpcClient) {}

  @Get()
  get(@CurrentPrincipal() p: Principal, @RequestId() requestId: string) {
    return this.rpc.call(BillingInvoicesRpc.getProfile, {}, rpcContextFor(p, requestId));
  }

  @Patch()
  update(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @Body() body: InvoiceProfileBody) {
    return this.rpc.call(BillingInvoicesRpc.setProfile, body, rpcContextFor(p, requestId));
  }
}

/** Thin: a workspace's invoices and credit notes; billing authorizes with the workspace service. */
@Controller('workspaces/:workspaceId')
@UseGuards(AccessTokenGuard)
@ApiErrors(AccessErrorCode, PlanErrorCode, InvoiceErrorCode, FilesErrorCode)
export class WorkspaceInvoicesController {
  constructor(private readonly rpc: RpcClient) {}

  @Put('invoice-buyer')
  setBuyer(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Body() body: InvoiceBuyerBody,
  ) {
    return this.rpc.call(BillingInvoicesRpc.setBuyer, { workspaceId, ...body }, rpcContextFor(p, requestId, workspaceId));
  }

  @Get('invoices')
  list(@CurrentPrincipal() p: Principal, @RequestId() requestId: string, @WorkspaceIdParam() workspaceId: string) {
    return this.rpc.call(BillingInvoicesRpc.list, { workspaceId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Get('invoices/:invoiceId')
  get(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @InvoiceIdParam() invoiceId: string,
  ) {
    return this.rpc.call(BillingInvoicesRpc.get, { workspaceId, invoiceId }, rpcContextFor(p, requestId, workspaceId));
  }

  /** The stored PDF's short-lived download (as files' `/download` answers: `url`, `expiresAt`, `version`). */
  @Get('invoices/:invoiceId/pdf')
  pdf(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @InvoiceIdParam() invoiceId: string,
  ) {
    return this.rpc.call(BillingInvoicesRpc.pdf, { workspaceId, invoiceId }, rpcContextFor(p, requestId, workspaceId));
  }
}
