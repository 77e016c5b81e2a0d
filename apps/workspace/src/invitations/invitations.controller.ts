import { Payload } from '@nestjs/microservices';
import { WorkspaceRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { InvitationsService } from './invitations.service';

@RpcController()
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @RpcHandler(WorkspaceRpc.createInvitation)
  create(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.createInvitation>) {
    return this.invitations.create(rpc, rpc.data);
  }

  @RpcHandler(WorkspaceRpc.listInvitations)
  list(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.listInvitations>) {
    return this.invitations.list(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(WorkspaceRpc.revokeInvitation)
  revoke(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.revokeInvitation>) {
    return this.invitations.revoke(rpc, rpc.data.workspaceId, rpc.data.invitationId);
  }

  @RpcHandler(WorkspaceRpc.acceptInvitation)
  accept(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.acceptInvitation>) {
    return this.invitations.accept(rpc, rpc.data.token, rpc.data.emailVerified);
  }
}
