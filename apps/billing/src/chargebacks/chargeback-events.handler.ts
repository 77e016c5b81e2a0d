import { Inject, Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { Clock } from '@fpms/common/scheduling/clock';
import type { SystemManager } from '@fpms/database/tenant-manager';
import { LedgerRepository } from '../payments/ledger.repository';
import { MilestonePaymentEvents } from '../payments/milestone-payment-events';
import { Order, statusOf } from '../payments/order';
import { CrossTenantOrdersRepository } from '../payments/orders.repository';
import { ReleaseWorker } from '../release/release.worker';
import { STRIPE } from '../stripe/stripe-client';
import { StripeEventContext, StripeEventHandler } from '../webhooks/stripe-event-handler';
import { Chargeback, OPEN_DISPUTE_STATUSES, outcomeOf } from './chargeback';
import { CrossTenantChargebacksRepository } from './chargebacks.repository';

const DISPUTE_EVENTS = [
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
] as const;

/** How long the freelancer has to say they answer a chargeback personally before billing submits its evidence. */
export const EVIDENCE_GRACE_MS = 24 * 3600_000;
/** Billing submits at the latest this long before Stripe's due date. */
export const EVIDENCE_LEAD_MS = 24 * 3600_000;

/**
 * Chargebacks on milestone payments. Every dispute event only says which dispute to look at:
 * the dispute is re-read from Stripe and applied to the order of its charge, under the order's
 * lock, moving forward only (open → closed, once), so duplicates and any arrival order end in
 * the same state. Money follows Stripe's own balance transactions on the dispute: each
 * withdrawal (amount and fee) and reinstatement is a ledger entry keyed by its id.
 *
 * Open: `disputed` = the dispute's amount (release is frozen while it is above 0). Won:
 * `disputed` back to 0 and a due release is retried at once. Lost: the amount moves into
 * `refunded`; if the transfer had been made, the freelancer's share of it is reversed first
 * (the platform's fee share is given up), so released + refunded never exceed charged.
 */
@Injectable()
export class ChargebackEventsHandler implements StripeEventHandler {
  readonly eventTypes = DISPUTE_EVENTS;
  private readonly logger = new Logger(ChargebackEventsHandler.name);

  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe,
    private readonly chargebacks: CrossTenantChargebacksRepository,
    private readonly orders: CrossTenantOrdersRepository,
    private readonly ledger: LedgerRepository,
    private readonly events: MilestonePaymentEvents,
    private readonly releases: ReleaseWorker,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async handle(event: Stripe.Event, { manager, source }: StripeEventContext): Promise<void> {
    // Milestone charges are the platform's own (separate charges and transfers).
    if (source !== 'platform') return;
    const payload = event.data.object as Stripe.Dispute;
    const chargeId = typeof payload.charge === 'string' ? payload.charge : payload.charge.id;
    const order = await this.chargebacks.lockOrderByCharge(manager, chargeId);
    if (!order) return; // Not a milestone payment (a subscription's, another integration's).
    const dispute = await this.stripe.disputes.retrieve(payload.id);
    const chargeback = (await this.chargebacks.lock(manager, dispute.id)) ?? (await this.open(manager, order, dispute));

    await this.recordBalanceTransactions(manager, order, dispute, event.id);

    if (chargeback.outcome) return; // Closed already: nothing moves again.
    chargeback.stripeStatus = dispute.status;
    chargeback.evidenceDueBy = dueBy(dispute);
    const outcome = outcomeOf(dispute.status);
    if (outcome) {
      await this.close(manager, order, chargeback, dispute, outcome);
    } else if (OPEN_DISPUTE_STATUSES.includes(dispute.status) && order.disputed !== dispute.amount) {
      order.disputed = dispute.amount;
      order.version += 1;
      await this.orders.save(manager, order);
      await this.events.disputed(manager, order, { id: dispute.id, amount: dispute.amount, reason: dispute.reason });
    }
    await this.chargebacks.save(manager, chargeback);
  }

  private async open(manager: SystemManager, order: Order, dispute: Stripe.Dispute): Promise<Chargeback> {
    const now = this.clock.now();
    const due = dueBy(dispute);
    const submitAt = due
      ? new Date(Math.max(now.getTime(), Math.min(now.getTime() + EVIDENCE_GRACE_MS, due.getTime() - EVIDENCE_LEAD_MS)))
      : new Date(now.getTime() + EVIDENCE_GRACE_MS);
    const chargeback: Chargeback = {
      id: dispute.id,
      orderId: order.id,
      accountId: order.accountId,
      workspaceId: order.workspaceId,
      milestoneId: order.milestoneId,
      chargeId: order.chargeId as string,
      amount: dispute.amount,
      currency: order.currency,
      reason: dispute.reason ?? null,
      stripeStatus: dispute.status,
      outcome: null,
      evidenceDueBy: due,
      evidenceSubmitAt: submitAt,
      evidenceSubmittedAt: null,
      evidence: null,
      evidenceLastError: null,
      evidenceAttempts: 0,
      evidenceFlaggedAt: null,
      openedAt: now,
      closedAt: null,
    };
    await this.chargebacks.insert(manager, chargeback);
    return chargeback;
  }

  /** Stripe's withdrawals and reinstatements on the dispute, each recorded once (keyed by balance transaction). */
  private async recordBalanceTransactions(manager: SystemManager, order: Order, dispute: Stripe.Dispute, eventId: string): Promise<void> {
    for (const bt of dispute.balance_transactions ?? []) {
      if (bt.amount < 0) {
        await this.ledger.append(manager, order, { kind: 'dispute', amount: -bt.amount, stripeObjectId: bt.id, stripeEventId: eventId });
        if (bt.fee > 0)
          await this.ledger.append(manager, order, { kind: 'dispute_fee', amount: bt.fee, stripeObjectId: bt.id, stripeEventId: eventId });
      } else if (bt.amount > 0) {
        await this.ledger.append(manager, order, {
          kind: 'dispute_reinstatement',
          amount: bt.amount,
          stripeObjectId: bt.id,
          stripeEventId: eventId,
        });
      }
    }
  }

  private async close(
    manager: SystemManager,
    order: Order,
    chargeback: Chargeback,
    dispute: Stripe.Dispute,
    outcome: 'won' | 'lost',
  ): Promise<void> {
    order.disputed = 0;
    if (outcome === 'lost') {
      const lost = Math.min(dispute.amount, order.charged - order.refunded);
      if (order.released > 0) await this.reverseTransferShare(manager, order, dispute.id, lost);
      order.refunded += lost;
      // Nothing is left to release: a due release stops being retried.
      if (order.refunded === order.charged && !order.transferId) {
        order.releaseRequestedAt = null;
        order.releaseNextAttemptAt = null;
        order.releaseLastError = null;
      }
    } else if (order.releaseRequestedAt && !order.transferId) {
      // The release waited for this chargeback (with backoff): it is due again now.
      order.releaseNextAttemptAt = this.clock.now();
      setTimeout(() => this.releases.wake(), 50).unref();
    }
    order.status = statusOf(order, false);
    order.version += 1;
    await this.orders.save(manager, order);
    chargeback.outcome = outcome;
    chargeback.closedAt = this.clock.now();
    await this.events.disputeClosed(manager, order, { id: dispute.id, amount: dispute.amount }, outcome);
  }

  /**
   * A lost chargeback after the release: the client's bank took the money back from the
   * platform, so the freelancer's share of `lost` is reversed from their transfer and the
   * platform gives up its fee share. If Stripe refuses (the connected account cannot cover
   * it), this throws: the event is retried and, past its retries, sits in failed events for an
   * admin — the order stays disputed until then, never half-applied.
   */
  private async reverseTransferShare(manager: SystemManager, order: Order, disputeId: string, lost: number): Promise<void> {
    const fromRelease = Math.min(order.released, lost);
    const freelancerShare = Math.round((fromRelease * (order.released - order.platformFee)) / order.released);
    if (freelancerShare > 0 && order.transferId) {
      const reversal = await this.stripe.transfers.createReversal(
        order.transferId,
        { amount: freelancerShare, metadata: { orderId: order.id, disputeId } },
        { idempotencyKey: `chargeback-reversal:${disputeId}` },
      );
      await this.ledger.append(manager, order, {
        kind: 'reversal',
        amount: reversal.amount,
        stripeObjectId: reversal.id,
        stripeEventId: null,
      });
      this.logger.warn(
        `order ${order.id}: chargeback ${disputeId} lost after release; reversed ${reversal.amount} from ${order.transferId}`,
      );
    }
    order.platformFee -= fromRelease - freelancerShare;
    order.released -= fromRelease;
  }
}

function dueBy(dispute: Stripe.Dispute): Date | null {
  const due = dispute.evidence_details?.due_by;
  return due ? new Date(due * 1000) : null;
}
