import { Payload } from '@nestjs/microservices';
import { BillingConnectRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { ConnectService } from './connect.service';

@RpcController()
export class ConnectController {
  constructor(private readonly connect: ConnectService) {}

  @RpcHandler(BillingConnectRpc.state)
  state(@Payload() rpc: VerifiedRequest<typeof BillingConnectRpc.state>) {
    return this.connect.state(rpc);
  }

  @RpcHandler(BillingConnectRpc.startOnboarding)
  startOnboarding(@Payload() rpc: VerifiedRequest<typeof BillingConnectRpc.startOnboarding>) {
    return this.connect.startOnboarding(rpc);
  }
}
