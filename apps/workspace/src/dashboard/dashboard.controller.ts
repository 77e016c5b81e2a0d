import { Payload } from '@nestjs/microservices';
import { DashboardRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { DashboardService } from './dashboard.service';

@RpcController()
export class DashboardController {
  constructor(private readonly dashboards: DashboardService) {}

  @RpcHandler(DashboardRpc.workspace)
  workspace(@Payload() rpc: VerifiedRequest<typeof DashboardRpc.workspace>) {
    return this.dashboards.workspace(rpc, rpc.data.workspaceId);
  }

  @RpcHandler(DashboardRpc.account)
  account(@Payload() rpc: VerifiedRequest<typeof DashboardRpc.account>) {
    return this.dashboards.account(rpc, rpc.data.accountId);
  }
}
