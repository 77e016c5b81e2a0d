import { Payload } from '@nestjs/microservices';
import { WorkspaceRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { MembersService } from './members.service';

@RpcController()
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @RpcHandler(WorkspaceRpc.listMembers)
  list(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.listMembers>) {
    return this.members.list(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(WorkspaceRpc.changeMemberRole)
  changeRole(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.changeMemberRole>) {
    return this.members.changeRole(rpc, rpc.data.workspaceId, rpc.data.userId, rpc.data.role);
  }

  @RpcHandler(WorkspaceRpc.removeMember)
  remove(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.removeMember>) {
    return this.members.remove(rpc, rpc.data.workspaceId, rpc.data.userId);
  }
}
