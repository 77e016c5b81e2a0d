import { Injectable } from '@nestjs/common';
import { AccountCreatedData, AccountView, WorkspaceEvents } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { OutboxWriter } from '@fpms/messaging';
import { WorkspaceError } from '../workspaces/workspace.errors';
import { AccountsRepository } from './accounts.repository';
import { AccountEntity } from './entities/account.entity';

export function toAccountView(account: AccountEntity): AccountView {
  return { id: account.id, name: account.name, plan: account.plan, createdAt: account.createdAt.toISOString() };
}

@Injectable()
export class AccountsService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly accounts: AccountsRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Creates the freelancer account for a new user. Idempotent on the account id, which
   * the gateway chose, so a retried signup cannot create two accounts.
   */
  create(actor: { userId: string; accountId?: string }, input: { accountId: string; name: string }): Promise<AccountView> {
    if (actor.accountId !== input.accountId) throw WorkspaceError.accountMismatch();
    return this.tx.run({ accountId: input.accountId }, async (manager) => {
      const created = await this.accounts.insertIfAbsent(manager, { id: input.accountId, name: input.name, ownerUserId: actor.userId });
      const account = await this.accounts.findById(manager, input.accountId);
      if (!account) throw WorkspaceError.accountNotFound();
      if (created) {
        await this.outbox.add<AccountCreatedData>(manager, {
          type: WorkspaceEvents.accountCreated,
          tenant: { accountId: account.id },
          aggregateId: account.id,
          aggregateVersion: 1,
          data: { accountId: account.id, name: account.name, plan: account.plan },
        });
      }
      return toAccountView(account);
    });
  }
}
