import { Payload } from '@nestjs/microservices';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { WorkspaceRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { WorkspaceAccess } from '../access/workspace-access';
import { ActivityLogRepository } from './activity-log.repository';

@RpcController()
export class ActivityController {
  constructor(
    private readonly access: WorkspaceAccess,
    private readonly activity: ActivityLogRepository,
  ) {}

  @RpcHandler(WorkspaceRpc.listActivity)
  list(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.listActivity>) {
    const { workspaceId, limit, before } = rpc.data;
    return this.access.run(rpc, workspaceId, WorkspaceAction.ReadActivity, (manager) =>
      this.activity.listForWorkspace(manager, workspaceId, limit, before),
    );
  }
}
