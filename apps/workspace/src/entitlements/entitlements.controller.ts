import { Payload } from '@nestjs/microservices';
import { EntitlementsRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { AccountStandingsService } from './account-standings.service';

@RpcController()
export class EntitlementsController {
  constructor(private readonly standings: AccountStandingsService) {}

  @RpcHandler(EntitlementsRpc.accountStandings)
  accountStandings(@Payload() rpc: VerifiedRequest<typeof EntitlementsRpc.accountStandings>) {
    return this.standings.list(rpc);
  }
}
