import { Injectable } from '@nestjs/common';
import { BillingConnectEvents } from '@fpms/contracts';
import { OutboxWriter } from '@fpms/messaging';
import { ConnectAccountRecord, ConnectAccountsRepository, ConnectManager } from './connect-accounts.repository';
import { ConnectSnapshot, sameSnapshot } from './connect-status';

/**
 * The one writer of connected-account state. A change gets the next version and its
 * `billing.connect.status_changed` in the same transaction (outbox); a state equal to the
 * one held changes nothing and publishes nothing; deauthorized is final. Callers hold the
 * row lock (ConnectAccountsRepository.lock) and pass the row they locked.
 */
@Injectable()
export class ConnectStateRecorder {
  constructor(
    private readonly accounts: ConnectAccountsRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Writes the account's first row (version 1) and its event; null when a row already existed. */
  async create(
    manager: ConnectManager,
    input: { accountId: string; stripeAccountId: string; snapshot: ConnectSnapshot; seenAt: Date | null; requestId?: string },
  ): Promise<ConnectAccountRecord | null> {
    const created = await this.accounts.insertIfAbsent(manager, {
      accountId: input.accountId,
      stripeAccountId: input.stripeAccountId,
      snapshot: input.snapshot,
      stripeUpdatedAt: input.seenAt,
    });
    if (created) await this.publish(manager, created, input.requestId);
    return created;
  }

  /** Applies `next` to the locked row `current`: the row as it is afterwards. */
  async apply(
    manager: ConnectManager,
    current: ConnectAccountRecord,
    next: ConnectSnapshot,
    seenAt: Date | null,
    requestId?: string,
  ): Promise<ConnectAccountRecord> {
    if (current.status === 'deauthorized' || sameSnapshot(current, next)) {
      if (seenAt) await this.accounts.markSeen(manager, current.accountId, seenAt);
      return current;
    }
    const updated = await this.accounts.update(manager, current.accountId, {
      snapshot: next,
      version: current.version + 1,
      stripeUpdatedAt: seenAt,
    });
    await this.publish(manager, updated, requestId);
    return updated;
  }

  private async publish(manager: ConnectManager, account: ConnectAccountRecord, requestId?: string): Promise<void> {
    await this.outbox.add(manager, {
      type: BillingConnectEvents.connectStatusChanged,
      tenant: { accountId: account.accountId },
      aggregateId: account.accountId,
      aggregateVersion: account.version,
      ...(requestId ? { requestId } : {}),
      data: {
        accountId: account.accountId,
        status: account.status,
        chargesEnabled: account.chargesEnabled,
        payoutsEnabled: account.payoutsEnabled,
        requirements: account.requirements,
      },
    });
  }
}
