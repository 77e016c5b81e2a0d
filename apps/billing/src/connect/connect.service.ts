import { Injectable } from '@nestjs/common';
import { ConnectStateView, OnboardingLinkView } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { ConnectAccountRecord, ConnectAccountsRepository } from './connect-accounts.repository';
import { ConnectError } from './connect.errors';
import { ConnectStateRecorder } from './connect-state-recorder';
import { snapshotOf } from './connect-status';
import { StripeConnectAccounts } from './stripe-connect-accounts';

/** Who asks, as the verified token says. */
export interface ConnectCaller {
  userId: string;
  /** The freelancer account the user owns; absent for a user who owns none (a client). */
  accountId?: string;
  requestId: string;
}

export function toConnectStateView(account: ConnectAccountRecord | null): ConnectStateView {
  if (!account) return { status: 'not_started', chargesEnabled: false, payoutsEnabled: false, requirements: [], updatedAt: null };
  return {
    status: account.status,
    chargesEnabled: account.chargesEnabled,
    payoutsEnabled: account.payoutsEnabled,
    requirements: account.requirements,
    updatedAt: account.updatedAt.toISOString(),
  };
}

/**
 * Connect onboarding for the caller's own account. Only its owner acts: the token's account
 * is the one the user owns (collaborators and clients carry none for it), so no request can
 * name another tenant's account.
 */
@Injectable()
export class ConnectService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly accounts: ConnectAccountsRepository,
    private readonly recorder: ConnectStateRecorder,
    private readonly stripe: StripeConnectAccounts,
  ) {}

  state(caller: ConnectCaller): Promise<ConnectStateView> {
    const accountId = ownAccount(caller);
    return this.tx.run({ accountId, userId: caller.userId }, async (manager) =>
      toConnectStateView(await this.accounts.find(manager, accountId)),
    );
  }

  /**
   * Creates the connected account the first time (once, however many calls race: an advisory
   * lock per account, Stripe's idempotency key from our account id, and the unique row), or
   * refreshes the held state from Stripe on later calls (the freelancer coming back to finish
   * sees what Stripe asks now, even before its webhook arrives); then answers a fresh link.
   */
  async startOnboarding(caller: ConnectCaller): Promise<OnboardingLinkView> {
    const accountId = ownAccount(caller);
    const stripeAccountId = await this.tx.run({ accountId, userId: caller.userId }, async (manager) => {
      await this.accounts.lockOnboarding(manager, accountId);
      const held = await this.accounts.lock(manager, accountId);
      if (held?.status === 'deauthorized') throw ConnectError.deauthorized();
      if (held) {
        await this.recorder.apply(manager, held, snapshotOf(await this.stripe.retrieve(held.stripeAccountId)), null, caller.requestId);
        return held.stripeAccountId;
      }
      const account = await this.stripe.create(accountId);
      // Null when a webhook wrote the row from the account's metadata first: the same Stripe account.
      await this.recorder.create(manager, {
        accountId,
        stripeAccountId: account.id,
        snapshot: snapshotOf(account),
        seenAt: null,
        requestId: caller.requestId,
      });
      return account.id;
    });
    return this.stripe.onboardingLink(stripeAccountId);
  }
}

function ownAccount(caller: ConnectCaller): string {
  if (!caller.accountId) throw ConnectError.ownerRequired();
  return caller.accountId;
}
