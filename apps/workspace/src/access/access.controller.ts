import { Payload } from '@nestjs/microservices';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { AppError } from '@fpms/common/errors/app-error';
import { WorkspaceGrant, WorkspaceRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { WorkspaceAccess } from './workspace-access';

const ACTIONS = new Set<string>(Object.values(WorkspaceAction));

/** Lets other services (files, messaging, billing) check a caller against the one permission matrix. */
@RpcController()
export class AccessController {
  constructor(private readonly access: WorkspaceAccess) {}

  @RpcHandler(WorkspaceRpc.authorize)
  authorize(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.authorize>): Promise<WorkspaceGrant> {
    const { workspaceId, action, fileVersionId } = rpc.data;
    if (!ACTIONS.has(action)) throw AppError.validation(`Unknown action ${action}`, { action });
    const formerClientResource = fileVersionId ? { fileVersionId } : undefined;
    return this.access.run(rpc, workspaceId, action as WorkspaceAction, async (_manager, scope) => scope, { formerClientResource });
  }
}
