import { Injectable, Logger } from '@nestjs/common';
import type Stripe from 'stripe';
import { BillingPayoutEvents } from '@fpms/contracts';
import type { SystemManager } from '@fpms/database/tenant-manager';
import { OutboxWriter } from '@fpms/messaging/events/outbox-writer';
import { CrossTenantConnectAccountsRepository } from '../connect/connect-accounts.repository';
import type { StripeEventContext, StripeEventHandler } from '../webhooks/stripe-event-handler';
import { isPayoutStatus, payoutMoves } from './payout-status';
import { CrossTenantPayoutsRepository, PayoutFacts, PayoutRecord } from './payouts.repository';

/** The connected accounts' payout events billing records. */
export const PAYOUT_EVENT_TYPES = ['payout.created', 'payout.updated', 'payout.paid', 'payout.failed', 'payout.canceled'] as const;

/**
 * Connect's `payout.*` events (a freelancer's connected account paying out to their bank),
 * through the webhook ledger like every Stripe event. Each is applied under the payout row's
 * lock: a new payout is recorded as the event shows it; a known one moves only forward in
 * Stripe's lifecycle (payout-status.ts), so a duplicate, a late `payout.created`, or a `paid`
 * arriving after its `failed` changes nothing, while a `failed` after `paid` — the bank
 * returning a payout — is applied. Entering `failed` writes `billing.payout.failed` to the
 * outbox in the same transaction (messaging tells the owner), once per payout. A payout of a
 * connected account billing does not hold is ignored.
 */
@Injectable()
export class PayoutEventsHandler implements StripeEventHandler {
  readonly eventTypes = PAYOUT_EVENT_TYPES;
  private readonly logger = new Logger(PayoutEventsHandler.name);

  constructor(
    private readonly accounts: CrossTenantConnectAccountsRepository,
    private readonly payouts: CrossTenantPayoutsRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  async handle(event: Stripe.Event, { manager, source }: StripeEventContext): Promise<void> {
    // The platform's own payouts (platform endpoint) are not a freelancer's.
    if (source !== 'connect' || !event.account) return;
    const payout = event.data.object as Stripe.Payout;
    if (payout?.object !== 'payout' || !isPayoutStatus(payout.status)) return;
    const accountId = await this.accounts.accountIdOf(manager, event.account);
    if (!accountId) {
      this.logger.warn(`payout ${payout.id} of unknown connected account ${event.account} ignored`);
      return;
    }
    const facts = factsOf(payout, accountId, event.account);
    const at = new Date(event.created * 1000);
    const { record, inserted } = await this.payouts.lockOrInsert(manager, facts, at);
    if (inserted) {
      if (record.status === 'failed') await this.announceFailure(manager, record, false);
      return;
    }
    if (!payoutMoves(record.status, facts.status)) return;
    const moved = await this.payouts.advance(manager, record, facts, at);
    if (moved.status === 'failed') await this.announceFailure(manager, moved, record.status === 'paid');
  }

  private async announceFailure(manager: SystemManager, payout: PayoutRecord, afterPaid: boolean): Promise<void> {
    await this.outbox.add(manager, {
      type: BillingPayoutEvents.payoutFailed,
      tenant: { accountId: payout.accountId },
      aggregateId: payout.accountId,
      aggregateVersion: payout.version,
      data: {
        accountId: payout.accountId,
        payoutId: payout.stripePayoutId,
        amount: payout.amount,
        currency: payout.currency,
        failureCode: payout.failureCode?.slice(0, 200) ?? null,
        failureMessage: payout.failureMessage?.slice(0, 1000) ?? null,
        afterPaid,
      },
    });
  }
}

function factsOf(payout: Stripe.Payout, accountId: string, stripeAccountId: string): PayoutFacts {
  return {
    stripePayoutId: payout.id,
    accountId,
    stripeAccountId,
    amount: payout.amount,
    currency: payout.currency.toUpperCase(),
    status: payout.status as PayoutFacts['status'],
    arrivalDate: payout.arrival_date ? new Date(payout.arrival_date * 1000) : null,
    method: payout.method ?? null,
    failureCode: payout.failure_code ?? null,
    failureMessage: payout.failure_message ?? null,
    stripeCreated: new Date(payout.created * 1000),
  };
}
