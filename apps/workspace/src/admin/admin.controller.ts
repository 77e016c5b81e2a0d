import { Payload } from '@nestjs/microservices';
import { WorkspaceRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { AdminAccessService } from './admin-access.service';

@RpcController()
export class AdminController {
  constructor(private readonly admin: AdminAccessService) {}

  @RpcHandler(WorkspaceRpc.adminListAccountWorkspaces)
  accountWorkspaces(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.adminListAccountWorkspaces>) {
    return this.admin.listAccountWorkspaces(rpc, rpc.data.accountId, rpc.data.reason);
  }

  @RpcHandler(WorkspaceRpc.adminListAudit)
  audit(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.adminListAudit>) {
    return this.admin.listAudit(rpc, rpc.data.limit);
  }
}
