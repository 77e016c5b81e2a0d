import { Payload } from '@nestjs/microservices';
import { BillingHourlyRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { PaymentMethodService } from './payment-method.service';

@RpcController()
export class HourlyBillingController {
  constructor(private readonly paymentMethods: PaymentMethodService) {}

  @RpcHandler(BillingHourlyRpc.savePaymentMethod)
  savePaymentMethod(@Payload() rpc: VerifiedRequest<typeof BillingHourlyRpc.savePaymentMethod>) {
    return this.paymentMethods.save(rpc, rpc.data.workspaceId);
  }
}
