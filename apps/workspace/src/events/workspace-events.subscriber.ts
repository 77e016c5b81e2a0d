import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BillingEvents, BillingMilestoneEvent, EventEnvelope, parseBillingMilestoneEvent } from '@fpms/contracts';
import { EventSubscriber } from '@fpms/messaging/nest/event-subscriptions';
import { PermanentEventError } from '@fpms/messaging/events/event-consumer';
import { MilestoneLifecycle } from '../milestones/milestone-lifecycle';
import { BillingCommand, billingTransition } from '../milestones/milestone-state-machine';
import { MilestonesRepository } from '../milestones/milestones.repository';
import { MoneyEventsRepository } from '../milestones/money-events.repository';

/**
 * Applies billing's money facts to milestones, inside the consumer's transaction: the
 * inbox row is already written (a duplicate never gets here) and the tenant is set from
 * the event. Milestone state follows money, never ahead of it: only these events move a
 * milestone into funded, released or refunded. Versions billing has already passed for a
 * milestone are recorded as stale and change nothing, so nothing is counted twice.
 */
@Injectable()
export class WorkspaceEventsSubscriber implements EventSubscriber {
  private readonly logger = new Logger(WorkspaceEventsSubscriber.name);

  constructor(
    private readonly milestones: MilestonesRepository,
    private readonly lifecycle: MilestoneLifecycle,
    private readonly moneyEvents: MoneyEventsRepository,
  ) {}

  async handle(envelope: EventEnvelope, manager: EntityManager): Promise<void> {
    if (!envelope.type.startsWith('billing.milestone.')) {
      this.logger.debug(`ignoring ${envelope.type}: not a milestone event`);
      return;
    }
    let event: BillingMilestoneEvent;
    try {
      event = parseBillingMilestoneEvent(envelope);
    } catch (err) {
      throw new PermanentEventError(`invalid ${envelope.type}: ${(err as Error).message}`);
    }
    const { milestoneId, workspaceId } = event.data;
    const row = await this.milestones.find(manager, workspaceId, milestoneId, true);
    // Under the event's tenant: a milestone of another tenant is invisible, like a missing one.
    if (!row) throw new PermanentEventError(`${event.type} for unknown milestone ${milestoneId}`);

    const money = 'amount' in event.data ? { amount: event.data.amount, currency: event.data.currency } : { amount: null, currency: null };
    const record = (outcome: 'applied' | 'already' | 'stale') =>
      this.moneyEvents.record(manager, {
        eventId: event.id,
        accountId: row.account_id,
        workspaceId,
        milestoneId,
        type: event.type,
        ...money,
        billingVersion: event.aggregateVersion,
        outcome,
        occurredAt: event.occurredAt,
      });

    if (event.aggregateVersion <= Number(row.billing_version)) {
      this.logger.log(`stale ${event.type} v${event.aggregateVersion} for milestone ${milestoneId} (at v${row.billing_version}) ignored`);
      await record('stale');
      return;
    }
    if (money.currency !== null) this.checkMoney(event, row.currency, Number(row.amount));

    const command = commandOf(event);
    const outcome = billingTransition(row.status, command, row.resume_status);
    if (outcome.kind === 'impossible') {
      // Out of order (a later fact overtook an earlier one) or money moved in a way the
      // lifecycle does not allow: retry with delays (the earlier fact may still arrive), then
      // the DLQ for a human. Never guess.
      throw new Error(`${event.type} cannot apply to milestone ${milestoneId} in status ${row.status}`);
    }
    if (outcome.kind === 'already') {
      await this.milestones.recordBillingVersion(manager, milestoneId, event.aggregateVersion);
      await record('already');
      return;
    }
    await this.lifecycle.apply(manager, row, command, outcome.transition, {
      kind: 'billing',
      eventId: event.id,
      eventType: event.type,
      requestId: event.requestId,
      billingVersion: event.aggregateVersion,
    });
    await record('applied');
  }

  private checkMoney(event: BillingMilestoneEvent, currency: string, amount: number): void {
    const data = event.data as { amount: number; currency: string };
    if (data.currency !== currency) throw new PermanentEventError(`${event.type}: currency ${data.currency} differs from the milestone's ${currency}`);
    const exact = event.type === BillingEvents.milestoneFunded || event.type === BillingEvents.milestoneReleased;
    if (exact ? data.amount !== amount : data.amount > amount) {
      throw new PermanentEventError(`${event.type}: amount ${data.amount} does not match the milestone's ${amount}`);
    }
  }
}

function commandOf(event: BillingMilestoneEvent): BillingCommand {
  switch (event.type) {
    case BillingEvents.milestoneFunded:
      return 'funded';
    case BillingEvents.milestonePaymentFailed:
      return 'payment_failed';
    case BillingEvents.milestoneReleased:
      return 'released';
    case BillingEvents.milestoneRefunded:
      return 'refunded';
    case BillingEvents.milestoneDisputed:
      return 'disputed';
    case BillingEvents.milestoneDisputeClosed:
      return event.data.outcome === 'won' ? 'dispute_won' : 'dispute_lost';
  }
}
