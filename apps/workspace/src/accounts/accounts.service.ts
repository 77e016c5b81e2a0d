import { Injectable } from '@nestjs/common';
import { AccountView, WorkspaceEvents } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { OutboxWriter } from '@fpms/messaging';
import { Actor } from '../access/actor';
import { ActivityLogRepository } from '../activity/activity-log.repository';
import { AccountError } from './account.errors';
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
    private readonly activity: ActivityLogRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Creates the freelancer account (free plan) for a new user. Idempotent on the account
   * id, which the gateway chose, so a retried signup cannot create two accounts.
   */
  create(actor: Actor, input: { accountId: string; name: string }): Promise<AccountView> {
    if (actor.accountId !== input.accountId) throw AccountError.mismatch();
    return this.tx.run({ accountId: input.accountId }, async (manager) => {
      const created = await this.accounts.insertIfAbsent(manager, { id: input.accountId, name: input.name, ownerUserId: actor.userId });
      const account = await this.accounts.findById(manager, input.accountId);
      if (!account) throw AccountError.accountNotFound();
      if (created) {
        await this.activity.record(manager, {
          accountId: account.id,
          workspaceId: null,
          actorUserId: actor.userId,
          action: 'account.created',
          targetType: 'account',
          targetId: account.id,
          after: { name: account.name, plan: account.plan },
          requestId: actor.requestId,
        });
        await this.outbox.add(manager, {
          type: WorkspaceEvents.accountCreated,
          tenant: { accountId: account.id },
          aggregateId: account.id,
          aggregateVersion: 1,
          requestId: actor.requestId,
          data: { accountId: account.id, name: account.name, plan: account.plan },
        });
      }
      return toAccountView(account);
    });
  }
}
