import { Payload } from '@nestjs/microservices';
import { WorkspaceRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { WorkspacesService } from './workspaces.service';

@RpcController()
export class WorkspacesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @RpcHandler(WorkspaceRpc.createWorkspace)
  create(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.createWorkspace>) {
    return this.workspaces.create(rpc, rpc.data);
  }

  @RpcHandler(WorkspaceRpc.listWorkspaces)
  list(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.listWorkspaces>) {
    return this.workspaces.list(rpc);
  }

  @RpcHandler(WorkspaceRpc.getWorkspace)
  get(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.getWorkspace>) {
    return this.workspaces.get(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(WorkspaceRpc.updateWorkspace)
  update(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.updateWorkspace>) {
    const { workspaceId, ...changes } = rpc.data;
    return this.workspaces.update(rpc, workspaceId, changes);
  }
}
