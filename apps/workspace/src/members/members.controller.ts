import { Payload } from '@nestjs/microservices';
import { WorkspaceRole } from '@fpms/auth/permissions';
import { WorkspaceRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRpc } from '@fpms/messaging';
import { MembersService } from './members.service';

@RpcController()
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @RpcHandler(WorkspaceRpc.listMembers)
  list(@Payload() rpc: VerifiedRpc<{ workspaceId: string }>) {
    return this.members.list(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(WorkspaceRpc.changeMemberRole)
  changeRole(@Payload() rpc: VerifiedRpc<{ workspaceId: string; userId: string; role: WorkspaceRole }>) {
    return this.members.changeRole(rpc, rpc.data.workspaceId, rpc.data.userId, rpc.data.role);
  }

  @RpcHandler(WorkspaceRpc.removeMember)
  remove(@Payload() rpc: VerifiedRpc<{ workspaceId: string; userId: string }>) {
    return this.members.remove(rpc, rpc.data.workspaceId, rpc.data.userId);
  }
}
