import { Payload } from '@nestjs/microservices';
import { DisputesRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { AdminDisputesService } from './admin-disputes.service';
import { DisputesService } from './disputes.service';

@RpcController()
export class DisputesController {
  constructor(
    private readonly disputes: DisputesService,
    private readonly admin: AdminDisputesService,
  ) {}

  @RpcHandler(DisputesRpc.get)
  get(@Payload() rpc: VerifiedRequest<typeof DisputesRpc.get>) {
    return this.disputes.get(rpc, rpc.data.workspaceId, rpc.data.milestoneId);
  }

  @RpcHandler(DisputesRpc.addEvidence)
  addEvidence(@Payload() rpc: VerifiedRequest<typeof DisputesRpc.addEvidence>) {
    const { workspaceId, milestoneId, ...body } = rpc.data;
    return this.disputes.addEvidence(rpc, workspaceId, milestoneId, body);
  }

  @RpcHandler(DisputesRpc.adminList)
  adminList(@Payload() rpc: VerifiedRequest<typeof DisputesRpc.adminList>) {
    return this.admin.list(rpc, rpc.data);
  }

  @RpcHandler(DisputesRpc.adminGet)
  adminGet(@Payload() rpc: VerifiedRequest<typeof DisputesRpc.adminGet>) {
    return this.admin.get(rpc, rpc.data.disputeId, rpc.data.reason);
  }

  @RpcHandler(DisputesRpc.adminResolve)
  adminResolve(@Payload() rpc: VerifiedRequest<typeof DisputesRpc.adminResolve>) {
    const { disputeId, reason, ...body } = rpc.data;
    return this.admin.resolve(rpc, disputeId, body, reason);
  }
}
