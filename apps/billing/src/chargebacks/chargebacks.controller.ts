import { Payload } from '@nestjs/microservices';
import { BillingChargebacksRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { ChargebackResponderService } from './chargeback-responder.service';

@RpcController()
export class ChargebacksController {
  constructor(private readonly responder: ChargebackResponderService) {}

  @RpcHandler(BillingChargebacksRpc.respondMyself)
  respondMyself(@Payload() rpc: VerifiedRequest<typeof BillingChargebacksRpc.respondMyself>) {
    return this.responder.respondMyself(rpc, rpc.data.workspaceId, rpc.data.milestoneId);
  }
}
