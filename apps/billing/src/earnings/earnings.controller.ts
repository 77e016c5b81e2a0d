import { Payload } from '@nestjs/microservices';
import { BillingEarningsRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { EarningsService } from './earnings.service';

@RpcController()
export class EarningsController {
  constructor(private readonly earnings: EarningsService) {}

  @RpcHandler(BillingEarningsRpc.report)
  report(@Payload() rpc: VerifiedRequest<typeof BillingEarningsRpc.report>) {
    return this.earnings.report(rpc, rpc.data);
  }
}
