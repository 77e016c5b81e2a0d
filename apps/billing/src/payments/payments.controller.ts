import { Payload } from '@nestjs/microservices';
import { BillingPaymentsRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { FundingService } from './funding.service';
import { PayNowService } from './pay-now.service';
import { PaymentViewService } from './payment-view.service';

@RpcController()
export class PaymentsController {
  constructor(
    private readonly funding: FundingService,
    private readonly payNow: PayNowService,
    private readonly payments: PaymentViewService,
  ) {}

  @RpcHandler(BillingPaymentsRpc.fund)
  fund(@Payload() rpc: VerifiedRequest<typeof BillingPaymentsRpc.fund>) {
    return this.funding.fund(rpc, rpc.data.workspaceId, rpc.data.milestoneId);
  }

  @RpcHandler(BillingPaymentsRpc.pay)
  pay(@Payload() rpc: VerifiedRequest<typeof BillingPaymentsRpc.pay>) {
    return this.payNow.pay(rpc, rpc.data.workspaceId, rpc.data.milestoneId);
  }

  @RpcHandler(BillingPaymentsRpc.get)
  get(@Payload() rpc: VerifiedRequest<typeof BillingPaymentsRpc.get>) {
    return this.payments.get(rpc, rpc.data.workspaceId, rpc.data.milestoneId);
  }
}
