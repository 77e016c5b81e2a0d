import { Payload } from '@nestjs/microservices';
import { BillingRefundsRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { RefundsService } from './refunds.service';

@RpcController()
export class RefundsController {
  constructor(private readonly refunds: RefundsService) {}

  @RpcHandler(BillingRefundsRpc.create)
  create(@Payload() rpc: VerifiedRequest<typeof BillingRefundsRpc.create>) {
    return this.refunds.refund(rpc, rpc.data.workspaceId, rpc.data.milestoneId, { amount: rpc.data.amount, reason: rpc.data.reason });
  }

  @RpcHandler(BillingRefundsRpc.acceptRequest)
  accept(@Payload() rpc: VerifiedRequest<typeof BillingRefundsRpc.acceptRequest>) {
    return this.refunds.accept(rpc, rpc.data.workspaceId, rpc.data.milestoneId, rpc.data.note);
  }

  @RpcHandler(BillingRefundsRpc.contestRequest)
  contest(@Payload() rpc: VerifiedRequest<typeof BillingRefundsRpc.contestRequest>) {
    return this.refunds.contest(rpc, rpc.data.workspaceId, rpc.data.milestoneId, rpc.data.note);
  }
}
