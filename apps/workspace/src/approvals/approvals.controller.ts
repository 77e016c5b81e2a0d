import { Payload } from '@nestjs/microservices';
import { ApprovalsRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { ApprovalChainsService } from './approval-chains.service';
import { ApprovalPoliciesService } from './approval-policies.service';

@RpcController()
export class ApprovalsController {
  constructor(
    private readonly chains: ApprovalChainsService,
    private readonly policies: ApprovalPoliciesService,
  ) {}

  @RpcHandler(ApprovalsRpc.list)
  list(@Payload() rpc: VerifiedRequest<typeof ApprovalsRpc.list>) {
    const { workspaceId, ...q } = rpc.data;
    return this.chains.list(rpc, workspaceId, q);
  }

  @RpcHandler(ApprovalsRpc.approve)
  approve(@Payload() rpc: VerifiedRequest<typeof ApprovalsRpc.approve>) {
    const { workspaceId, requestId, ...body } = rpc.data;
    return this.chains.approve(rpc, workspaceId, requestId, body);
  }

  @RpcHandler(ApprovalsRpc.reject)
  reject(@Payload() rpc: VerifiedRequest<typeof ApprovalsRpc.reject>) {
    const { workspaceId, requestId, ...body } = rpc.data;
    return this.chains.reject(rpc, workspaceId, requestId, body);
  }

  @RpcHandler(ApprovalsRpc.cancel)
  cancel(@Payload() rpc: VerifiedRequest<typeof ApprovalsRpc.cancel>) {
    const { workspaceId, requestId, ...body } = rpc.data;
    return this.chains.cancel(rpc, workspaceId, requestId, body);
  }

  @RpcHandler(ApprovalsRpc.listPolicies)
  listPolicies(@Payload() rpc: VerifiedRequest<typeof ApprovalsRpc.listPolicies>) {
    return this.policies.list(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(ApprovalsRpc.putPolicy)
  putPolicy(@Payload() rpc: VerifiedRequest<typeof ApprovalsRpc.putPolicy>) {
    const { workspaceId, action, ...body } = rpc.data;
    return this.policies.put(rpc, workspaceId, action, body);
  }

  @RpcHandler(ApprovalsRpc.deletePolicy)
  deletePolicy(@Payload() rpc: VerifiedRequest<typeof ApprovalsRpc.deletePolicy>) {
    return this.policies.delete(rpc, rpc.data.workspaceId, rpc.data.action);
  }
}
