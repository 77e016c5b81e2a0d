import { Payload } from '@nestjs/microservices';
import { PersonalDataRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { PersonalDataService } from './personal-data.service';

@RpcController()
export class PersonalDataController {
  constructor(private readonly personalData: PersonalDataService) {}

  @RpcHandler(PersonalDataRpc.workspace)
  export(@Payload() rpc: VerifiedRequest<typeof PersonalDataRpc.workspace>) {
    return this.personalData.export(rpc);
  }
}
