import { Payload } from '@nestjs/microservices';
import { BillingInvoicesRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { InvoicesService } from './invoices.service';

@RpcController()
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @RpcHandler(BillingInvoicesRpc.getProfile)
  getProfile(@Payload() rpc: VerifiedRequest<typeof BillingInvoicesRpc.getProfile>) {
    return this.invoices.profile(rpc);
  }

  @RpcHandler(BillingInvoicesRpc.setProfile)
  setProfile(@Payload() rpc: VerifiedRequest<typeof BillingInvoicesRpc.setProfile>) {
    return this.invoices.setProfile(rpc, rpc.data);
  }

  @RpcHandler(BillingInvoicesRpc.setBuyer)
  setBuyer(@Payload() rpc: VerifiedRequest<typeof BillingInvoicesRpc.setBuyer>) {
    return this.invoices.setBuyer(rpc, rpc.data);
  }

  @RpcHandler(BillingInvoicesRpc.list)
  list(@Payload() rpc: VerifiedRequest<typeof BillingInvoicesRpc.list>) {
    return this.invoices.list(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(BillingInvoicesRpc.get)
  get(@Payload() rpc: VerifiedRequest<typeof BillingInvoicesRpc.get>) {
    return this.invoices.get(rpc, rpc.data.workspaceId, rpc.data.invoiceId);
  }

  @RpcHandler(BillingInvoicesRpc.pdf)
  pdf(@Payload() rpc: VerifiedRequest<typeof BillingInvoicesRpc.pdf>) {
    return this.invoices.pdf(rpc, rpc.data.workspaceId, rpc.data.invoiceId);
  }
}
