import { Injectable } from '@nestjs/common';
import type Stripe from 'stripe';
import type { SystemManager } from '@fpms/database/tenant-manager';
import type { StripeEventContext, StripeEventHandler } from '../webhooks/stripe-event-handler';
import { ConnectAccountsRepository, CrossTenantConnectAccountsRepository } from './connect-accounts.repository';
import { ConnectStateRecorder } from './connect-state-recorder';
import { DEAUTHORIZED, snapshotOf } from './connect-status';
import { ACCOUNT_ID_METADATA, StripeConnectAccounts } from './stripe-connect-accounts';

/**
 * `account.updated` and `account.application.deauthorized` from the Connect endpoint drive
 * the connected account's state, whatever order (and however often) they arrive in:
 *
 * - all changes of one account happen under its row lock, one at a time;
 * - an `account.updated` older (by `created`) than the newest one applied is stale and
 *   skipped; any other is not trusted as it stands — the account is re-fetched from Stripe
 *   under the lock, so what is written is never older than what is held (two events in the
 *   same second, a late duplicate, an event whose payload is already outdated all end in
 *   Stripe's current state);
 * - deauthorization is final: nothing changes the account afterwards;
 * - an account we hold no row for is ours only if its metadata names our account (the
 *   onboarding transaction that created it did not commit): the row is written from Stripe's
 *   state. Any other is ignored.
 */
/** The connected accounts' events billing acts on (reconciliation lists these per account). */
export const CONNECT_ACCOUNT_EVENT_TYPES = ['account.updated', 'account.application.deauthorized'] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ConnectAccountEventsHandler implements StripeEventHandler {
  readonly eventTypes = CONNECT_ACCOUNT_EVENT_TYPES;

  constructor(
    private readonly accounts: ConnectAccountsRepository,
    private readonly lookup: CrossTenantConnectAccountsRepository,
    private readonly recorder: ConnectStateRecorder,
    private readonly stripe: StripeConnectAccounts,
  ) {}

  async handle(event: Stripe.Event, { manager, source }: StripeEventContext): Promise<void> {
    // The platform endpoint's account.updated is about the platform's own account.
    if (source !== 'connect' || !event.account) return;
    const seenAt = new Date(event.created * 1000);
    const accountId = await this.lookup.accountIdOf(manager, event.account);
    if (event.type === 'account.application.deauthorized') {
      const held = accountId ? await this.accounts.lock(manager, accountId) : null;
      if (held) await this.recorder.apply(manager, held, DEAUTHORIZED, seenAt);
      return;
    }
    if (event.type !== 'account.updated') return;
    if (!accountId) return this.adoptUnrecorded(manager, event.account, seenAt);
    const held = await this.accounts.lock(manager, accountId);
    if (!held || held.status === 'deauthorized') return;
    if (held.stripeUpdatedAt && seenAt < held.stripeUpdatedAt) return;
    const current = await this.stripe.retrieve(held.stripeAccountId);
    await this.recorder.apply(manager, held, snapshotOf(current), seenAt);
  }

  private async adoptUnrecorded(manager: SystemManager, stripeAccountId: string, seenAt: Date): Promise<void> {
    const account = await this.stripe.retrieve(stripeAccountId);
    const accountId = account.metadata?.[ACCOUNT_ID_METADATA];
    if (!accountId || !UUID.test(accountId)) return;
    const snapshot = snapshotOf(account);
    if (await this.recorder.create(manager, { accountId, stripeAccountId, snapshot, seenAt })) return;
    // Someone wrote the row meanwhile (onboarding, or this event twice at once): apply like any other
    // event, with the account read again under the lock (what was read before it may be older).
    const held = await this.accounts.lock(manager, accountId);
    if (held?.stripeAccountId !== stripeAccountId || held.status === 'deauthorized') return;
    await this.recorder.apply(manager, held, snapshotOf(await this.stripe.retrieve(stripeAccountId)), seenAt);
  }
}
