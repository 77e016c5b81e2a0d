import { Payload } from '@nestjs/microservices';
import { WorkspaceRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRpc } from '@fpms/messaging';
import { CreateInvitationInput, InvitationsService } from './invitations.service';

@RpcController()
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @RpcHandler(WorkspaceRpc.createInvitation)
  create(@Payload() rpc: VerifiedRpc<CreateInvitationInput>) {
    return this.invitations.create(rpc, rpc.data);
  }

  @RpcHandler(WorkspaceRpc.listInvitations)
  list(@Payload() rpc: VerifiedRpc<{ workspaceId: string }>) {
    return this.invitations.list(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(WorkspaceRpc.revokeInvitation)
  revoke(@Payload() rpc: VerifiedRpc<{ workspaceId: string; invitationId: string }>) {
    return this.invitations.revoke(rpc, rpc.data.workspaceId, rpc.data.invitationId);
  }

  @RpcHandler(WorkspaceRpc.acceptInvitation)
  accept(@Payload() rpc: VerifiedRpc<{ token: string }>) {
    return this.invitations.accept(rpc, rpc.data.token);
  }
}
