import { Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PersonalDataRpc, PersonalDataSections } from '@fpms/contracts';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { RpcController, RpcHandler, VerifiedRequest } from '@fpms/messaging';
import { PersonalDataRepository } from './personal-data.repository';

/** Billing's part of a personal-data export (issue 18 part 4), for the verified caller only. */
@RpcController()
export class PersonalDataController {
  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly tx: TenantTransactions,
    @Inject(PersonalDataRepository) private readonly repo: PersonalDataRepository,
  ) {}

  @RpcHandler(PersonalDataRpc.billing)
  async export(@Payload() rpc: VerifiedRequest<typeof PersonalDataRpc.billing>): Promise<PersonalDataSections> {
    const sections: Record<string, unknown> = await systemTransaction(this.system, (m) => this.repo.asClient(m, rpc.userId));
    const accountId = rpc.accountId;
    if (accountId) {
      sections['billing/payouts.json'] = await this.tx.run({ accountId, userId: rpc.userId }, (m) => this.repo.payoutsOf(m, accountId));
    }
    return { sections };
  }
}
