import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  FundingAwaitingApproval,
  FundingView,
  MilestoneCommandResult,
  MilestonesRpc,
  MilestoneView,
  RpcContext,
  WorkspaceRpc,
} from '@fpms/contracts';
import { PaymentErrorCode } from '@fpms/contracts/errors';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { AppError } from '@fpms/common/errors/app-error';
import { Clock } from '@fpms/common/scheduling/clock';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import type { VerifiedRpc } from '@fpms/messaging/rpc/verified-rpc';
import { chargeableAmountProblem } from '../stripe/currency-rules';
import { callerContext } from './caller-context';
import { closePreviousSession, paymentProviderCall } from './checkout-attempts';
import { CheckoutSessions } from './checkout-sessions';
import { ConnectedAccounts } from './connected-accounts';
import { hasOpenCheckout, Order } from './order';
import { OrdersRepository } from './orders.repository';
import { PaymentError } from './payments.errors';

const FUNDABLE: ReadonlySet<MilestoneView['status']> = new Set(['accepted', 'funding']);

/**
 * Funding a milestone: the client admin gets a Checkout page for its exact amount. The
 * workspace service decides who may fund and what the milestone costs; billing owns the
 * order and the session. One order per milestone, locked while a session is made, so
 * concurrent and repeated calls get the one open session.
 */
@Injectable()
export class FundingService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly rpc: RpcClient,
    private readonly orders: OrdersRepository,
    private readonly sessions: CheckoutSessions,
    private readonly connected: ConnectedAccounts,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async fund(caller: VerifiedRpc<unknown>, workspaceId: string, milestoneId: string): Promise<FundingView | FundingAwaitingApproval> {
    const ctx = callerContext(caller, workspaceId);
    const grant = await this.rpc.call(WorkspaceRpc.authorize, { workspaceId, action: WorkspaceAction.FundMilestones }, ctx);
    const milestone = await this.rpc.call(MilestonesRpc.get, { workspaceId, milestoneId }, ctx);
    if (milestone.billing === 'on_approval') {
      throw new PaymentError(409, PaymentErrorCode.BilledOnApproval, 'This milestone is paid after approval, not funded up front', {
        billing: milestone.billing,
        status: milestone.status,
      });
    }
    if (!FUNDABLE.has(milestone.status)) {
      throw new PaymentError(409, PaymentErrorCode.NotFundable, `A ${milestone.status} milestone cannot be funded`, {
        status: milestone.status,
      });
    }
    const amountProblem = chargeableAmountProblem(milestone.amount, milestone.currency);
    if (amountProblem) throw new PaymentError(422, PaymentErrorCode.NotFundable, amountProblem, { currency: milestone.currency });

    const scope = { accountId: grant.accountId, workspaceId };
    const payout = await this.tx.run(scope, (m) => this.connected.find(m, grant.accountId));
    if (!payout?.chargesEnabled || !payout.payoutsEnabled) {
      throw new PaymentError(409, PaymentErrorCode.PayoutsNotEnabled, 'The freelancer cannot receive payments yet', {
        connect: payout ? { status: payout.status, requirements: payout.requirements } : { status: 'not_started' },
      });
    }

    if (milestone.status === 'accepted') {
      // An approval chain in front of funding: nothing is ordered until its last gate passes.
      const started = await this.markFunding(ctx, workspaceId, milestoneId);
      if (started?.approvalRequest) return { approvalRequest: started.approvalRequest };
    }

    return this.tx.run(scope, async (manager) => {
      const order = await this.orders.lockOrCreate(manager, {
        id: randomUUID(),
        accountId: grant.accountId,
        workspaceId,
        milestoneId,
        amount: milestone.amount,
        currency: milestone.currency,
        kind: 'escrow',
      });
      if (order.kind !== 'escrow')
        throw new PaymentError(409, PaymentErrorCode.BilledOnApproval, 'This milestone is paid after approval', { kind: order.kind });
      if (order.charged > 0)
        throw new PaymentError(409, PaymentErrorCode.NotFundable, 'The milestone is already paid for', { status: order.status });
      const now = this.clock.now();
      if (hasOpenCheckout(order, now)) return checkoutView(order);
      await closePreviousSession(this.sessions, order);
      // Terms follow the milestone until money arrives (nothing is charged yet).
      order.amount = milestone.amount;
      order.currency = milestone.currency;
      order.checkoutAttempt += 1;
      order.connectedAccountId = payout.stripeAccountId;
      const session = await this.createSession(order, milestone.title);
      order.checkoutSessionId = session.id;
      order.checkoutUrl = session.url;
      order.checkoutExpiresAt = new Date(session.expires_at * 1000);
      await this.orders.save(manager, order);
      // The paying client, as the earnings report groups money (the checkout's opener).
      await this.orders.recordPayer(manager, order.id, caller.userId);
      return checkoutView(order);
    });
  }

  /** accepted → funding in the workspace (or its approval request); a concurrent funder may have done it already. */
  private async markFunding(ctx: RpcContext, workspaceId: string, milestoneId: string): Promise<MilestoneCommandResult | null> {
    try {
      return await this.rpc.call(MilestonesRpc.startFunding, { workspaceId, milestoneId }, ctx);
    } catch (error) {
      if (!(error instanceof AppError && error.status === 409)) throw error;
      return null;
    }
  }

  private createSession(order: Order, title: string) {
    return paymentProviderCall(() => this.sessions.create(order, order.checkoutAttempt, title));
  }
}

export function checkoutView(order: Order): FundingView {
  return {
    orderId: order.id,
    checkoutUrl: order.checkoutUrl as string,
    expiresAt: (order.checkoutExpiresAt as Date).toISOString(),
  };
}
