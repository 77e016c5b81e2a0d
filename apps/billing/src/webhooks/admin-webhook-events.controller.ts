import { Payload } from '@nestjs/microservices';
import { BillingWebhooksRpc } from '@fpms/contracts/rpc/billing-webhooks.rpc';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { WebhookEventsAdmin } from './webhook-events-admin.service';

@RpcController()
export class AdminWebhookEventsController {
  constructor(private readonly admin: WebhookEventsAdmin) {}

  @RpcHandler(BillingWebhooksRpc.adminListEvents)
  list(@Payload() rpc: VerifiedRequest<typeof BillingWebhooksRpc.adminListEvents>) {
    return this.admin.list(rpc, rpc.data);
  }
}
