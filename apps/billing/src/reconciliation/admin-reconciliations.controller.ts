import { Payload } from '@nestjs/microservices';
import { BillingReconciliationRpc } from '@fpms/contracts/rpc/billing-reconciliation.rpc';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { AdminReconciliations } from './admin-reconciliations.service';

@RpcController()
export class AdminReconciliationsController {
  constructor(private readonly admin: AdminReconciliations) {}

  @RpcHandler(BillingReconciliationRpc.adminStart)
  start(@Payload() rpc: VerifiedRequest<typeof BillingReconciliationRpc.adminStart>) {
    return this.admin.start(rpc, rpc.data);
  }
}
