import { Injectable } from '@nestjs/common';
import { AccountEntity } from './entities/account.entity';
import type { TenantManager } from '@fpms/database/tenant-manager';

/** SQL for accounts. Every method takes the tenant transaction's manager: RLS scopes it. */
@Injectable()
export class AccountsRepository {
  /** Inserts the account unless it exists; true when this call created it. */
  async insertIfAbsent(manager: TenantManager, account: { id: string; name: string; ownerUserId: string }): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `insert into accounts (id, name, owner_user_id) values ($1, $2, $3) on conflict (id) do nothing returning id`,
      [account.id, account.name, account.ownerUserId],
    );
    return rows.length === 1;
  }

  findById(manager: TenantManager, id: string): Promise<AccountEntity | null> {
    return manager.getRepository(AccountEntity).findOneBy({ id });
  }
}
