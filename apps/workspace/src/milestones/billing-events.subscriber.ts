import { Injectable, Logger } from '@nestjs/common';
import { BillingMilestoneEvent, EventEnvelope, MilestoneMoneyState, parseBillingMilestoneEvent } from '@fpms/contracts';
import { EventSubscriber } from '@fpms/messaging/nest/event-subscriptions';
import { PermanentEventError } from '@fpms/messaging/events/event-consumer';
import { MilestoneLifecycle } from './milestone-lifecycle';
import { billingTransition, MoneyAmounts } from './milestone-state-machine';
import { MilestoneRow, MilestonesRepository, stateOf } from './milestones.repository';
import { MoneyEventsRepository } from './money-events.repository';
import type { TenantManager } from '@fpms/database/tenant-manager';

/**
 * Applies billing's money state to milestones, inside the consumer's transaction: the
 * inbox row is already written (a duplicate never gets here) and the tenant is set from
 * the event. Every billing milestone event carries the order's whole money state at its
 * version, so the newest one seen is applied as it is, whatever arrived before or arrives
 * later: versions at or below the last applied one are recorded as stale and change
 * nothing, so the final state does not depend on arrival order and nothing counts twice.
 * Milestone state follows money, never ahead of it: only this moves money into a milestone.
 */
@Injectable()
export class BillingEventsSubscriber implements EventSubscriber {
  private readonly logger = new Logger(BillingEventsSubscriber.name);

  constructor(
    private readonly milestones: MilestonesRepository,
    private readonly lifecycle: MilestoneLifecycle,
    private readonly moneyEvents: MoneyEventsRepository,
  ) {}

  async handle(envelope: EventEnvelope, manager: TenantManager): Promise<void> {
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
    const { milestoneId, workspaceId, money } = event.data;
    const row = await this.milestones.find(manager, workspaceId, milestoneId, true);
    // Under the event's tenant: a milestone of another tenant is invisible, like a missing one.
    if (!row) throw new PermanentEventError(`${event.type} for unknown milestone ${milestoneId}`);

    const own =
      'amount' in event.data ? { amount: event.data.amount, currency: event.data.currency } : { amount: null, currency: money.currency };
    const record = (outcome: 'applied' | 'already' | 'stale') =>
      this.moneyEvents.record(manager, {
        eventId: event.id,
        accountId: row.account_id,
        workspaceId,
        milestoneId,
        type: event.type,
        ...own,
        money,
        billingVersion: event.aggregateVersion,
        outcome,
        occurredAt: event.occurredAt,
      });

    // null = nothing applied yet: any version, 0 included, is newer.
    if (row.billing_version !== null && event.aggregateVersion <= Number(row.billing_version)) {
      this.logger.log(`stale ${event.type} v${event.aggregateVersion} for milestone ${milestoneId} (at v${row.billing_version}) ignored`);
      await record('stale');
      return;
    }
    checkMoney(event, money, row);

    const amounts: MoneyAmounts = {
      charged: money.charged,
      released: money.released,
      platformFee: money.platformFee,
      refunded: money.refunded,
      disputed: money.disputed,
    };
    const outcome = billingTransition(stateOf(row), amounts, money.status);
    if (outcome.kind === 'impossible') {
      // Money moved in a way the lifecycle does not allow (a charge for a milestone nobody
      // accepted): retry with delays, then the DLQ for a human. Never guess.
      throw new Error(`${event.type} cannot apply to milestone ${milestoneId}: ${outcome.reason}`);
    }
    const t = outcome.transition;
    if (sameState(row, t.after, t.to)) {
      await this.milestones.recordBillingVersion(manager, milestoneId, event.aggregateVersion);
      await record('already');
      return;
    }
    if (amounts.released > 0 && t.before.work !== 'approved' && Number(row.money_released) === 0) {
      this.logger.warn(
        `billing reports a release of milestone ${milestoneId} in work status ${t.before.work}: recorded as the money fact it is`,
      );
    }
    await this.lifecycle.apply(manager, row, 'money', t, {
      kind: 'billing',
      eventId: event.id,
      eventType: event.type,
      requestId: event.requestId,
      billingVersion: event.aggregateVersion,
    });
    await record('applied');
  }
}

/** The state must be about this milestone's agreed money: same currency, a charge of exactly its amount. */
function checkMoney(event: BillingMilestoneEvent, money: MilestoneMoneyState, row: MilestoneRow): void {
  const amount = Number(row.amount);
  if (money.currency !== row.currency)
    throw new PermanentEventError(`${event.type}: currency ${money.currency} differs from the milestone's ${row.currency}`);
  if (money.charged !== 0 && money.charged !== amount)
    throw new PermanentEventError(`${event.type}: charged ${money.charged} does not match the milestone's ${amount}`);
  if ('amount' in event.data && event.data.amount > amount)
    throw new PermanentEventError(`${event.type}: amount ${event.data.amount} exceeds the milestone's ${amount}`);
}

function sameState(row: MilestoneRow, after: ReturnType<typeof stateOf>, status: string): boolean {
  const before = stateOf(row);
  return (
    row.status === status &&
    before.work === after.work &&
    before.orderStatus === after.orderStatus &&
    (Object.keys(before.money) as Array<keyof MoneyAmounts>).every((k) => before.money[k] === after.money[k])
  );
}
