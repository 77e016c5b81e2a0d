import { Payload } from '@nestjs/microservices';
import { BillingSubscriptionsRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { SubscriptionsService } from './subscriptions.service';

@RpcController()
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @RpcHandler(BillingSubscriptionsRpc.checkout)
  checkout(@Payload() rpc: VerifiedRequest<typeof BillingSubscriptionsRpc.checkout>) {
    return this.subscriptions.checkout(rpc);
  }

  @RpcHandler(BillingSubscriptionsRpc.change)
  change(@Payload() rpc: VerifiedRequest<typeof BillingSubscriptionsRpc.change>) {
    return this.subscriptions.change(rpc);
  }

  @RpcHandler(BillingSubscriptionsRpc.cancel)
  cancel(@Payload() rpc: VerifiedRequest<typeof BillingSubscriptionsRpc.cancel>) {
    return this.subscriptions.cancel(rpc);
  }

  @RpcHandler(BillingSubscriptionsRpc.get)
  get(@Payload() rpc: VerifiedRequest<typeof BillingSubscriptionsRpc.get>) {
    return this.subscriptions.get(rpc);
  }
}
