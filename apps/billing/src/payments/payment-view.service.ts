import { Inject, Injectable } from '@nestjs/common';
import { PaymentView, ReleaseState, WorkspaceRpc } from '@fpms/contracts';
import { PaymentErrorCode } from '@fpms/contracts/errors';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { Clock } from '@fpms/common/scheduling/clock';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import type { VerifiedRpc } from '@fpms/messaging/rpc/verified-rpc';
import { callerContext } from './caller-context';
import { LedgerRepository } from './ledger.repository';
import { moneyStateOf, Order } from './order';
import { OrdersRepository } from './orders.repository';
import { PaymentError } from './payments.errors';
import { chargebackView } from '../chargebacks/chargeback';
import { ChargebackSelfResponsesRepository, ChargebacksRepository } from '../chargebacks/chargebacks.repository';
import { refundEntryView, refundRequestView } from '../refunds/refund';
import { RefundRequestsRepository, RefundsRepository } from '../refunds/refunds.repository';

/** A milestone's payment as its workspace's members see it: the order, its ledger, its Stripe ids, refunds and chargebacks. */
@Injectable()
export class PaymentViewService {
  constructor(
    private readonly rpc: RpcClient,
    private readonly tx: TenantTransactions,
    private readonly orders: OrdersRepository,
    private readonly ledger: LedgerRepository,
    private readonly refunds: RefundsRepository,
    private readonly refundRequests: RefundRequestsRepository,
    private readonly chargebacks: ChargebacksRepository,
    private readonly selfResponses: ChargebackSelfResponsesRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async get(caller: VerifiedRpc<unknown>, workspaceId: string, milestoneId: string): Promise<PaymentView> {
    const ctx = callerContext(caller, workspaceId);
    // Membership is the workspace service's: 404 for non-members, as for the milestone itself.
    const grant = await this.rpc.call(WorkspaceRpc.authorize, { workspaceId, action: WorkspaceAction.ReadMilestones }, ctx);
    return this.tx.run({ accountId: grant.accountId, workspaceId }, async (manager) => {
      const order = await this.orders.findByMilestone(manager, milestoneId);
      if (!order) throw new PaymentError(404, PaymentErrorCode.PaymentNotFound, 'This milestone has no payment yet');
      const request = await this.refundRequests.latest(manager, milestoneId);
      const respondsThemselves = (await this.selfResponses.find(manager, milestoneId)) !== null;
      const now = this.clock.now();
      return {
        ...toView(order, await this.ledger.listForOrder(manager, order.id)),
        refunds: (await this.refunds.listForOrder(manager, order.id)).map(refundEntryView),
        refundRequest: request ? refundRequestView(request) : null,
        chargebacks: (await this.chargebacks.listForMilestone(manager, milestoneId)).map((c) => chargebackView(c, respondsThemselves, now)),
      };
    });
  }
}

function releaseState(order: Order): ReleaseState {
  if (order.transferId && order.releasedAt)
    return { status: 'released', transferId: order.transferId, releasedAt: order.releasedAt.toISOString() };
  if (!order.releaseRequestedAt) return { status: 'not_due' };
  return {
    status: 'release_pending',
    reason: order.releaseLastError ?? 'the transfer is being made',
    attempts: order.releaseAttempts,
    nextAttemptAt: order.releaseNextAttemptAt?.toISOString() ?? null,
  };
}

function toView(order: Order, ledger: PaymentView['ledger']): Omit<PaymentView, 'refunds' | 'refundRequest' | 'chargebacks'> {
  const open = order.checkoutSessionId && order.checkoutUrl && order.checkoutExpiresAt && order.charged === 0;
  return {
    orderId: order.id,
    milestoneId: order.milestoneId,
    workspaceId: order.workspaceId,
    kind: order.kind,
    status: order.status,
    amount: order.amount,
    currency: order.currency,
    money: moneyStateOf(order),
    release: releaseState(order),
    checkout: open
      ? {
          sessionId: order.checkoutSessionId as string,
          url: order.checkoutUrl as string,
          expiresAt: (order.checkoutExpiresAt as Date).toISOString(),
        }
      : null,
    stripe: {
      checkoutSessionId: order.checkoutSessionId,
      paymentIntentId: order.paymentIntentId,
      chargeId: order.chargeId,
      transferId: order.transferId,
      applicationFeeId: order.applicationFeeId,
    },
    ledger,
    version: order.version,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}
