import { Body, Controller, Get, HttpCode, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import {
  BillingChargebacksRpc,
  BillingPaymentsRpc,
  BillingRefundsRpc,
  CreateMilestoneBody,
  CreateRefundBody,
  AddDisputeEvidenceBody,
  DisputesRpc,
  OpenDisputeBody,
  ListMilestonesQuery,
  MilestoneCommandBody,
  MilestonesRpc,
  RefundRequestDecisionBody,
  SubmitMilestoneBody,
  UpdateMilestoneBody,
} from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentPrincipal, Principal, RequestId, rpcContextFor } from '../auth/principal';
import { acceptedWhenAwaitingApproval } from '../common/approval-accepted';
import { IdParam, WorkspaceIdParam } from '../common/id-param';
import { Idempotency, IdempotencyRequest } from '../common/idempotency-key';
import { MoneyAction } from '../security/money-action.guard';
import {
  MilestoneErrorCode,
  AccessErrorCode,
  ApprovalErrorCode,
  ChargebackErrorCode,
  ConnectErrorCode,
  DisputeErrorCode,
  FilesErrorCode,
  PaymentErrorCode,
  PlanErrorCode,
} from '@fpms/contracts/errors';
import { ApiErrors } from '@fpms/common/openapi/api-docs';

const MilestoneIdParam = () => IdParam('milestoneId', MilestoneErrorCode.MilestoneNotFound, 'Milestone');

/** Thin: authenticate, then forward to the workspace service, which owns the rules. */
@Controller('workspaces/:workspaceId/milestones')
@UseGuards(AccessTokenGuard)
@ApiErrors(
  AccessErrorCode,
  PlanErrorCode,
  MilestoneErrorCode,
  PaymentErrorCode,
  ChargebackErrorCode,
  DisputeErrorCode,
  ApprovalErrorCode,
  FilesErrorCode,
  ConnectErrorCode,
)
export class MilestonesController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  create(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Body() body: CreateMilestoneBody,
    @Idempotency() idem: IdempotencyRequest,
  ) {
    return this.rpc.call(MilestonesRpc.create, { workspaceId, ...body }, rpcContextFor(p, requestId, workspaceId, idem));
  }

  @Get()
  list(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @Query() q: ListMilestonesQuery,
  ) {
    return this.rpc.call(MilestonesRpc.list, { workspaceId, ...q }, rpcContextFor(p, requestId, workspaceId));
  }

  @Get(':milestoneId')
  get(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @MilestoneIdParam() milestoneId: string,
  ) {
    return this.rpc.call(MilestonesRpc.get, { workspaceId, milestoneId }, rpcContextFor(p, requestId, workspaceId));
  }

  @Patch(':milestoneId')
  update(
    @CurrentPrincipal() p: Principal,
    @RequestId() requestId: string,
    @WorkspaceIdParam() workspaceId: string,
    @MilestoneIdParam() milestoneId: string,
    @Body() body: UpdateMilestoneBody,
  ) {
    return this.rpc.call(MilestonesRpc.update, { workspaceId, milestoneId, ...body }, rpcContextFor(p, requestId, workspaceId));
  }

  @Post(':milestoneId/propose')
  @HttpCode(200)
  propose(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @MilestoneIdParam() m: string,
    @Body() b: MilestoneCommandBody,
  ) {
    return this.command(MilestonesRpc.propose, p, r, w, m, b);
  }

  @Post(':milestoneId/decline')
  @HttpCode(200)
  decline(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @MilestoneIdParam() m: string,
    @Body() b: MilestoneCommandBody,
  ) {
    return this.command(MilestonesRpc.decline, p, r, w, m, b);
  }

  @Post(':milestoneId/accept')
  @HttpCode(200)
  accept(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @MilestoneIdParam() m: string,
    @Body() b: MilestoneCommandBody,
  ) {
    return this.command(MilestonesRpc.accept, p, r, w, m, b);
  }

  /**
   * The client admin pays for an accepted milestone: billing answers a Stripe Checkout page
   * for its exact amount (the same page while one is open) and the milestone moves to
   * `funding`; it is funded only when Stripe's webhook says the money arrived.
   */
  @MoneyAction()
  @Post(':milestoneId/fund')
  @HttpCode(200)
  async fund(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @MilestoneIdParam() m: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    return acceptedWhenAwaitingApproval(
      res,
      await this.rpc.call(BillingPaymentsRpc.fund, { workspaceId: w, milestoneId: m }, rpcContextFor(p, r, w)),
    );
  }

  /**
   * The client admin pays an approved on-approval milestone: billing answers a Stripe Checkout
   * page for a destination charge to the freelancer (the same page while one is open); it shows
   * `released` when Stripe's webhook says the charge succeeded.
   */
  @MoneyAction()
  @Post(':milestoneId/pay')
  @HttpCode(200)
  pay(@CurrentPrincipal() p: Principal, @RequestId() r: string, @WorkspaceIdParam() w: string, @MilestoneIdParam() m: string) {
    return this.rpc.call(BillingPaymentsRpc.pay, { workspaceId: w, milestoneId: m }, rpcContextFor(p, r, w));
  }

  /**
   * The owner refunds (part of) the payment: before release from the charge, after it by
   * reversing the transfer first. 409 `refund_exceeds_remaining` beyond what is left.
   */
  @MoneyAction({ ownerTwoFactor: true })
  @Post(':milestoneId/refunds')
  @HttpCode(201)
  refund(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @MilestoneIdParam() m: string,
    @Body() b: CreateRefundBody,
  ) {
    return this.rpc.call(BillingRefundsRpc.create, { workspaceId: w, milestoneId: m, ...b }, rpcContextFor(p, r, w));
  }

  /** The owner accepts the client's refund request: everything left goes back to the client. */
  @MoneyAction({ ownerTwoFactor: true })
  @Post(':milestoneId/refund-request/accept')
  @HttpCode(200)
  acceptRefundRequest(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @MilestoneIdParam() m: string,
    @Body() b: RefundRequestDecisionBody,
  ) {
    return this.rpc.call(BillingRefundsRpc.acceptRequest, { workspaceId: w, milestoneId: m, ...b }, rpcContextFor(p, r, w));
  }

  /** The owner contests it: no money moves; the client may take it to an in-app dispute. */
  @Post(':milestoneId/refund-request/contest')
  @HttpCode(200)
  contestRefundRequest(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @MilestoneIdParam() m: string,
    @Body() b: RefundRequestDecisionBody,
  ) {
    return this.rpc.call(BillingRefundsRpc.contestRequest, { workspaceId: w, milestoneId: m, ...b }, rpcContextFor(p, r, w));
  }

  /** The milestone's order, its ledger and its Stripe ids (members of the workspace, both sides). */
  @Get(':milestoneId/payment')
  payment(@CurrentPrincipal() p: Principal, @RequestId() r: string, @WorkspaceIdParam() w: string, @MilestoneIdParam() m: string) {
    return this.rpc.call(BillingPaymentsRpc.get, { workspaceId: w, milestoneId: m }, rpcContextFor(p, r, w));
  }

  /** The freelancer answers chargebacks on this milestone's payment personally; billing then submits no evidence. */
  @Post(':milestoneId/chargeback/respond-myself')
  @HttpCode(200)
  respondToChargebackMyself(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @MilestoneIdParam() m: string,
  ) {
    return this.rpc.call(BillingChargebacksRpc.respondMyself, { workspaceId: w, milestoneId: m }, rpcContextFor(p, r, w));
  }

  @Post(':milestoneId/submit')
  @HttpCode(200)
  async submit(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @MilestoneIdParam() m: string,
    @Body() b: SubmitMilestoneBody,
    @Res({ passthrough: true }) res: Response,
  ) {
    // 202 with the approval request when a chain holds the action back (docs/approvals.md).
    return acceptedWhenAwaitingApproval(res, await this.command(MilestonesRpc.submit, p, r, w, m, b));
  }

  @Post(':milestoneId/request-changes')
  @HttpCode(200)
  requestChanges(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @MilestoneIdParam() m: string,
    @Body() b: MilestoneCommandBody,
  ) {
    return this.command(MilestonesRpc.requestChanges, p, r, w, m, b);
  }

  @MoneyAction()
  @Post(':milestoneId/approve')
  @HttpCode(200)
  async approve(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @MilestoneIdParam() m: string,
    @Body() b: MilestoneCommandBody,
    @Res({ passthrough: true }) res: Response,
  ) {
    // 202 with the approval request when a chain holds the action back (docs/approvals.md).
    return acceptedWhenAwaitingApproval(res, await this.command(MilestonesRpc.approve, p, r, w, m, b));
  }

  @Post(':milestoneId/cancel')
  @HttpCode(200)
  cancel(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @MilestoneIdParam() m: string,
    @Body() b: MilestoneCommandBody,
  ) {
    return this.command(MilestonesRpc.cancel, p, r, w, m, b);
  }

  @MoneyAction()
  @Post(':milestoneId/request-refund')
  @HttpCode(200)
  async requestRefund(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @MilestoneIdParam() m: string,
    @Body() b: MilestoneCommandBody,
    @Res({ passthrough: true }) res: Response,
  ) {
    // 202 with the approval request when a chain holds the action back (docs/approvals.md).
    return acceptedWhenAwaitingApproval(res, await this.command(MilestonesRpc.requestRefund, p, r, w, m, b));
  }

  @Post(':milestoneId/dispute')
  @HttpCode(200)
  dispute(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @MilestoneIdParam() m: string,
    @Body() b: OpenDisputeBody,
  ) {
    return this.rpc.call(MilestonesRpc.openDispute, { workspaceId: w, milestoneId: m, ...b }, rpcContextFor(p, r, w));
  }

  /** The milestone's in-app dispute with both sides' evidence (any member; viewers read only). */
  @Get(':milestoneId/dispute')
  getDispute(@CurrentPrincipal() p: Principal, @RequestId() r: string, @WorkspaceIdParam() w: string, @MilestoneIdParam() m: string) {
    return this.rpc.call(DisputesRpc.get, { workspaceId: w, milestoneId: m }, rpcContextFor(p, r, w));
  }

  /** Evidence for the open dispute, from either side, until its response deadline. */
  @Post(':milestoneId/dispute/evidence')
  @HttpCode(201)
  addDisputeEvidence(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @MilestoneIdParam() m: string,
    @Body() b: AddDisputeEvidenceBody,
  ) {
    return this.rpc.call(DisputesRpc.addEvidence, { workspaceId: w, milestoneId: m, ...b }, rpcContextFor(p, r, w));
  }

  @Post(':milestoneId/withdraw-dispute')
  @HttpCode(200)
  withdrawDispute(
    @CurrentPrincipal() p: Principal,
    @RequestId() r: string,
    @WorkspaceIdParam() w: string,
    @MilestoneIdParam() m: string,
    @Body() b: MilestoneCommandBody,
  ) {
    return this.command(MilestonesRpc.withdrawDispute, p, r, w, m, b);
  }

  private command(
    pattern: typeof MilestonesRpc.propose | typeof MilestonesRpc.submit,
    p: Principal,
    requestId: string,
    workspaceId: string,
    milestoneId: string,
    body: MilestoneCommandBody | SubmitMilestoneBody,
  ) {
    return this.rpc.call<typeof pattern>(pattern, { workspaceId, milestoneId, ...body }, rpcContextFor(p, requestId, workspaceId));
  }
}
