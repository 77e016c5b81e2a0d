import { Payload } from '@nestjs/microservices';
import { WorkspaceRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRpc } from '@fpms/messaging';
import { WorkspacesService } from './workspaces.service';

@RpcController()
export class WorkspacesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @RpcHandler(WorkspaceRpc.createWorkspace)
  create(@Payload() rpc: VerifiedRpc<{ name: string; clientName?: string }>) {
    return this.workspaces.create(rpc, rpc.data);
  }

  @RpcHandler(WorkspaceRpc.listWorkspaces)
  list(@Payload() rpc: VerifiedRpc<Record<string, never>>) {
    return this.workspaces.list(rpc);
  }

  @RpcHandler(WorkspaceRpc.getWorkspace)
  get(@Payload() rpc: VerifiedRpc<{ workspaceId: string }>) {
    return this.workspaces.get(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(WorkspaceRpc.updateWorkspace)
  update(@Payload() rpc: VerifiedRpc<{ workspaceId: string; name?: string; clientName?: string | null; reviewWindowDays?: number }>) {
    const { workspaceId, ...changes } = rpc.data;
    return this.workspaces.update(rpc, workspaceId, changes);
  }
}
