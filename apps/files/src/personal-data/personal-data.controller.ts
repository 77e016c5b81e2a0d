import { Payload } from '@nestjs/microservices';
import { PersonalDataRpc } from '@fpms/contracts';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { PersonalDataArchivesService } from './personal-data-archives.service';

@RpcController()
export class PersonalDataController {
  constructor(private readonly archives: PersonalDataArchivesService) {}

  @RpcHandler(PersonalDataRpc.buildArchive)
  build(@Payload() rpc: VerifiedRequest<typeof PersonalDataRpc.buildArchive>) {
    return this.archives.build(rpc, rpc.data);
  }

  @RpcHandler(PersonalDataRpc.archiveUrl)
  downloadUrl(@Payload() rpc: VerifiedRequest<typeof PersonalDataRpc.archiveUrl>) {
    return this.archives.downloadUrl(rpc, rpc.data.exportId);
  }
}
