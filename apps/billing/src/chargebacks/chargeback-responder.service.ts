import { Inject, Injectable } from '@nestjs/common';
import { ChargebackResponderView, WorkspaceRpc } from '@fpms/contracts';
import { ChargebackErrorCode, PaymentErrorCode } from '@fpms/contracts/errors';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { Clock } from '@fpms/common/scheduling/clock';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import type { VerifiedRpc } from '@fpms/messaging/rpc/verified-rpc';
import { callerContext } from '../payments/caller-context';
import { OrdersRepository } from '../payments/orders.repository';
import { PaymentError } from '../payments/payments.errors';
import { ChargebackSelfResponsesRepository } from './chargebacks.repository';
import { ChargebackError } from './chargebacks.errors';

/** The freelancer's choice to answer a milestone's chargebacks personally instead of billing. */
@Injectable()
export class ChargebackResponderService {
  constructor(
    private readonly rpc: RpcClient,
    private readonly tx: TenantTransactions,
    private readonly orders: OrdersRepository,
    private readonly choices: ChargebackSelfResponsesRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async respondMyself(caller: VerifiedRpc<unknown>, workspaceId: string, milestoneId: string): Promise<ChargebackResponderView> {
    const ctx = callerContext(caller, workspaceId);
    // The freelancer side's decision (404 for non-members, 403 for the client side), as for the milestone itself.
    const grant = await this.rpc.call(WorkspaceRpc.authorize, { workspaceId, action: WorkspaceAction.ManageMilestones }, ctx);
    return this.tx.run({ accountId: grant.accountId, workspaceId }, async (manager) => {
      const order = await this.orders.findByMilestone(manager, milestoneId);
      if (!order) throw new PaymentError(404, PaymentErrorCode.PaymentNotFound, 'This milestone has no payment yet');
      const answered = await this.choices.submittedFor(manager, milestoneId);
      if (answered.length > 0) {
        throw new ChargebackError(
          409,
          ChargebackErrorCode.EvidenceAlreadySubmitted,
          'Billing already submitted evidence for the open chargeback on this payment',
          { disputeIds: answered },
        );
      }
      await this.choices.record(manager, {
        milestoneId,
        accountId: order.accountId,
        workspaceId,
        userId: caller.userId,
        at: this.clock.now(),
      });
      const choice = (await this.choices.find(manager, milestoneId)) as { chosenBy: string; chosenAt: Date };
      return { milestoneId, respondsMyself: true, chosenBy: choice.chosenBy, chosenAt: choice.chosenAt.toISOString() };
    });
  }
}
