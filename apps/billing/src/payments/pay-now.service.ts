import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { FundingView, MilestonesRpc, platformFee, WorkspaceRpc } from '@fpms/contracts';
import { PaymentErrorCode } from '@fpms/contracts/errors';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { Clock } from '@fpms/common/scheduling/clock';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import type { VerifiedRpc } from '@fpms/messaging/rpc/verified-rpc';
import { BillingAccountsRepository } from '../accounts/billing-accounts.repository';
import { chargeableAmountProblem } from '../stripe/currency-rules';
import { callerContext } from './caller-context';
import { closePreviousSession, paymentProviderCall } from './checkout-attempts';
import { CheckoutSessions } from './checkout-sessions';
import { ConnectedAccounts } from './connected-accounts';
import { checkoutView } from './funding.service';
import { hasOpenCheckout } from './order';
import { OrdersRepository } from './orders.repository';
import { PaymentError } from './payments.errors';

/**
 * Paying an approved on-approval milestone: the client admin gets a Checkout page for a
 * destination charge — the money goes to the freelancer's connected account as it is
 * charged, the plan's platform fee kept back as the application fee. The same guarantees as
 * funding: one `pay_now` order per milestone, locked while its session is made, so concurrent
 * and repeated calls get the one open session.
 */
@Injectable()
export class PayNowService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly rpc: RpcClient,
    private readonly orders: OrdersRepository,
    private readonly sessions: CheckoutSessions,
    private readonly connected: ConnectedAccounts,
    private readonly accounts: BillingAccountsRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async pay(caller: VerifiedRpc<unknown>, workspaceId: string, milestoneId: string): Promise<FundingView> {
    const ctx = callerContext(caller, workspaceId);
    // Who pays is who funds: the client admin (the workspace's matrix).
    const grant = await this.rpc.call(WorkspaceRpc.authorize, { workspaceId, action: WorkspaceAction.FundMilestones }, ctx);
    const milestone = await this.rpc.call(MilestonesRpc.get, { workspaceId, milestoneId }, ctx);
    if (milestone.billing !== 'on_approval') {
      throw new PaymentError(409, PaymentErrorCode.NotPayable, 'An escrowed milestone is funded, not paid after approval', {
        billing: milestone.billing,
        status: milestone.status,
      });
    }
    if (milestone.status !== 'approved') {
      throw new PaymentError(409, PaymentErrorCode.NotPayable, `A ${milestone.status} milestone cannot be paid; it must be approved`, {
        billing: milestone.billing,
        status: milestone.status,
      });
    }
    const amountProblem = chargeableAmountProblem(milestone.amount, milestone.currency);
    if (amountProblem) throw new PaymentError(422, PaymentErrorCode.NotPayable, amountProblem, { currency: milestone.currency });

    const scope = { accountId: grant.accountId, workspaceId };
    return this.tx.run(scope, async (manager) => {
      const payout = await this.connected.find(manager, grant.accountId);
      if (!payout?.chargesEnabled || !payout.payoutsEnabled) {
        throw new PaymentError(409, PaymentErrorCode.PayoutsNotEnabled, 'The freelancer cannot receive payments yet', {
          connect: payout ? { status: payout.status, requirements: payout.requirements } : { status: 'not_started' },
        });
      }
      const order = await this.orders.lockOrCreate(manager, {
        id: randomUUID(),
        accountId: grant.accountId,
        workspaceId,
        milestoneId,
        amount: milestone.amount,
        currency: milestone.currency,
        kind: 'pay_now',
      });
      if (order.kind !== 'pay_now')
        throw new PaymentError(409, PaymentErrorCode.NotPayable, 'This milestone was funded in escrow', { kind: order.kind });
      if (order.charged > 0)
        throw new PaymentError(409, PaymentErrorCode.NotPayable, 'The milestone is already paid for', { status: order.status });
      if (hasOpenCheckout(order, this.clock.now())) return checkoutView(order);
      await closePreviousSession(this.sessions, order);
      // Approved terms are final; the fee is the plan's at the time of paying (it is the charge's application fee).
      order.amount = milestone.amount;
      order.currency = milestone.currency;
      order.checkoutAttempt += 1;
      order.connectedAccountId = payout.stripeAccountId;
      const applicationFee = platformFee(order.amount, await this.accounts.planOf(manager, grant.accountId));
      const session = await paymentProviderCall(() =>
        this.sessions.createPayNow(order, order.checkoutAttempt, milestone.title, { applicationFee, destination: payout.stripeAccountId }),
      );
      order.checkoutSessionId = session.id;
      order.checkoutUrl = session.url;
      order.checkoutExpiresAt = new Date(session.expires_at * 1000);
      await this.orders.save(manager, order);
      // The paying client, as the earnings report groups money (the checkout's opener).
      await this.orders.recordPayer(manager, order.id, caller.userId);
      return checkoutView(order);
    });
  }
}
