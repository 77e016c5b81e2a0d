import { Payload } from '@nestjs/microservices';
import { WorkspaceRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { AccountsService } from './accounts.service';

@RpcController()
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @RpcHandler(WorkspaceRpc.createAccount)
  create(@Payload() rpc: VerifiedRequest<typeof WorkspaceRpc.createAccount>) {
    return this.accounts.create(rpc, rpc.data);
  }
}
