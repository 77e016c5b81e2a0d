import { Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PersonalDataRpc, PersonalDataSections } from '@fpms/contracts';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { PersonalDataRepository } from './personal-data.repository';

/** Messaging's part of a personal-data export (issue 18 part 4), for the verified caller only. */
@RpcController()
export class PersonalDataController {
  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    @Inject(PersonalDataRepository) private readonly repo: PersonalDataRepository,
  ) {}

  @RpcHandler(PersonalDataRpc.messaging)
  async export(@Payload() rpc: VerifiedRequest<typeof PersonalDataRpc.messaging>): Promise<PersonalDataSections> {
    return { sections: await systemTransaction(this.system, (m) => this.repo.sections(m, rpc.userId)) };
  }
}
