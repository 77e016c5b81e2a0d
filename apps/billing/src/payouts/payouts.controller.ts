import { Payload } from '@nestjs/microservices';
import { BillingPayoutsRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { PayoutsService } from './payouts.service';

@RpcController()
export class PayoutsController {
  constructor(private readonly payouts: PayoutsService) {}

  @RpcHandler(BillingPayoutsRpc.list)
  list(@Payload() rpc: VerifiedRequest<typeof BillingPayoutsRpc.list>) {
    return this.payouts.list(rpc, rpc.data);
  }
}
