import { Payload } from '@nestjs/microservices';
import { WorkspaceRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { ErasureService } from './erasure.service';

@RpcController()
export class ErasureController {
  constructor(private readonly erasure: ErasureService) {}

  @RpcHandler(WorkspaceRpc.erasureBlockers)
  blockers(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.erasureBlockers>) {
    return this.erasure.blockers(rpc);
  }
}
