import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ErasureBlockerView, erasedUserEmail, UserErasedData } from '@fpms/contracts';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { Actor } from '../access/actor';
import { ErasureRepository } from './erasure.repository';

/**
 * Personal-data erasure (issue 18 part 5), the workspace's part: it says which money in
 * flight blocks the erasure, and pseudonymises the user's address when the gateway's
 * `gateway.user.erased` arrives through the inbox.
 */
@Injectable()
export class ErasureService {
  constructor(
    private readonly tx: TenantTransactions,
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly repo: ErasureRepository,
  ) {}

  async blockers(actor: Actor): Promise<{ items: ErasureBlockerView[] }> {
    const memberships = await this.tx.runForUser({ userId: actor.userId }, (m) => this.repo.membershipsOf(m, actor.userId));
    const items: ErasureBlockerView[] = [];
    for (const { accountId, workspaceId } of memberships) {
      items.push(...(await this.tx.run({ accountId, workspaceId, userId: actor.userId }, (m) => this.repo.blockersIn(m, workspaceId))));
    }
    return { items };
  }

  /**
   * The user's rows span tenants, the event's tenant is none of them: the system
   * connection does it, in its own transaction. A replay (the inbox's transaction failing
   * after this one committed) finds nothing left to change.
   */
  erase(data: UserErasedData): Promise<{ memberships: number; invitations: number; activityEntries: number }> {
    return systemTransaction(this.system, (m) => this.repo.pseudonymise(m, data.userId, erasedUserEmail(data.userId)));
  }
}
