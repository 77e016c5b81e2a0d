import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RefundRequestView, RefundView, WorkspaceRpc } from '@fpms/contracts';
import { PaymentErrorCode } from '@fpms/contracts/errors';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { Clock } from '@fpms/common/scheduling/clock';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import type { VerifiedRpc } from '@fpms/messaging/rpc/verified-rpc';
import { callerContext } from '../payments/caller-context';
import { Order } from '../payments/order';
import { OrdersRepository } from '../payments/orders.repository';
import { PaymentError } from '../payments/payments.errors';
import { Refund, refundableOf, refundRequestView, refundView } from './refund';
import { RefundExecutor } from './refund-executor';
import { RefundRequestsRepository, RefundsRepository } from './refunds.repository';

/**
 * Refunds as members ask for them. The owner refunds at will (any part of what is left) and
 * answers the client's refund request: accept (everything left is refunded) or contest (no
 * money moves; the request stays on record and the milestone stays `refund_requested`, where
 * the client may open an in-app dispute). The refund row is recorded first, so it counts
 * against what is left at once; the executor then does the Stripe work.
 */
@Injectable()
export class RefundsService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly rpc: RpcClient,
    private readonly orders: OrdersRepository,
    private readonly refunds: RefundsRepository,
    private readonly requests: RefundRequestsRepository,
    private readonly executor: RefundExecutor,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async refund(
    caller: VerifiedRpc<unknown>,
    workspaceId: string,
    milestoneId: string,
    body: { amount?: number; reason?: string },
  ): Promise<RefundView> {
    const scope = await this.ownerScope(caller, workspaceId);
    const created = await this.tx.run(scope, async (manager) => {
      const order = await this.payableOrder(manager, milestoneId);
      const amount = await this.checkAmount(manager, order, body.amount);
      const id = randomUUID();
      await this.refunds.insert(manager, order, {
        id,
        amount,
        initiatedBy: 'owner',
        userId: caller.userId,
        requestId: null,
        reason: body.reason ?? null,
        now: this.clock.now(),
      });
      return { id, orderId: order.id };
    });
    return this.execute(scope, created.id, created.orderId);
  }

  async accept(
    caller: VerifiedRpc<unknown>,
    workspaceId: string,
    milestoneId: string,
    note?: string,
  ): Promise<RefundRequestView & { refund: RefundView }> {
    const scope = await this.ownerScope(caller, workspaceId);
    const accepted = await this.tx.run(scope, async (manager) => {
      const order = await this.payableOrder(manager, milestoneId);
      const request = await this.requests.lockOpen(manager, milestoneId);
      if (!request) throw notOpen();
      const amount = await this.checkAmount(manager, order, undefined);
      const id = randomUUID();
      await this.refunds.insert(manager, order, {
        id,
        amount,
        initiatedBy: 'request',
        userId: caller.userId,
        requestId: request.id,
        reason: note ?? null,
        now: this.clock.now(),
      });
      const decided = {
        ...request,
        status: 'accepted' as const,
        decidedAt: this.clock.now(),
        decidedBy: caller.userId,
        note: note ?? null,
        refundId: id,
      };
      await this.requests.decide(manager, decided);
      return { request: decided, orderId: order.id };
    });
    const refund = await this.execute(scope, accepted.request.refundId as string, accepted.orderId);
    return { ...refundRequestView(accepted.request), refund };
  }

  async contest(caller: VerifiedRpc<unknown>, workspaceId: string, milestoneId: string, note?: string): Promise<RefundRequestView> {
    const scope = await this.ownerScope(caller, workspaceId);
    return this.tx.run(scope, async (manager) => {
      await this.payableOrder(manager, milestoneId);
      const request = await this.requests.lockOpen(manager, milestoneId);
      if (!request) throw notOpen();
      const decided = {
        ...request,
        status: 'contested' as const,
        decidedAt: this.clock.now(),
        decidedBy: caller.userId,
        note: note ?? null,
      };
      await this.requests.decide(manager, decided);
      return refundRequestView(decided);
    });
  }

  private async execute(scope: { accountId: string; workspaceId: string }, refundId: string, orderId: string): Promise<RefundView> {
    await this.executor.run(refundId, orderId);
    return this.tx.run(scope, async (manager) => {
      const refund = (await this.refunds.find(manager, refundId)) as Refund;
      const order = (await this.orders.findByMilestone(manager, refund.milestoneId)) as Order;
      return refundView(refund, order);
    });
  }

  /** Money goes back to the client on the owner's word only (the workspace's matrix: RefundPayments). */
  private async ownerScope(caller: VerifiedRpc<unknown>, workspaceId: string) {
    const grant = await this.rpc.call(
      WorkspaceRpc.authorize,
      { workspaceId, action: WorkspaceAction.RefundPayments },
      callerContext(caller, workspaceId),
    );
    return { accountId: grant.accountId, workspaceId };
  }

  private async payableOrder(manager: TenantManager, milestoneId: string): Promise<Order> {
    const order = await this.orders.lockByMilestone(manager, milestoneId);
    if (!order || order.charged === 0)
      throw new PaymentError(404, PaymentErrorCode.PaymentNotFound, 'Nothing has been paid for this milestone', { milestoneId });
    if (order.disputed > 0)
      throw new PaymentError(409, PaymentErrorCode.RefundBlockedByChargeback, 'A chargeback is open on this payment', {
        disputed: order.disputed,
      });
    return order;
  }

  /** The amount asked (or everything left), refused with 409 beyond what is left. */
  private async checkAmount(manager: TenantManager, order: Order, asked: number | undefined): Promise<number> {
    const remaining = refundableOf(order, await this.refunds.pendingTotal(manager, order.id));
    const amount = asked ?? remaining;
    if (remaining === 0 || amount > remaining) {
      throw new PaymentError(409, PaymentErrorCode.RefundExceedsRemaining, 'The refund is larger than what is left of the payment', {
        requested: amount,
        remaining,
        currency: order.currency,
      });
    }
    return amount;
  }
}

const notOpen = () => new PaymentError(409, PaymentErrorCode.RefundRequestNotOpen, 'No refund request is open for this milestone', {});
