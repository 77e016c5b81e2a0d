import type Stripe from 'stripe';
import type { Core } from '../core';
import { invalidParam, invalidRequest } from '../http/errors';
import type { Params } from '../http/form';
import type { ApiRouter } from '../http/router';
import { newId } from '../ids';
import { periodEndAfter, type Subscriptions } from './subscriptions';

type PhaseItem = { price: Stripe.Price; quantity: number };
type Phase = Stripe.SubscriptionSchedule.Phase;

/**
 * Subscription schedules, as far as a change at the end of the period needs them (Stripe's
 * way to downgrade at renewal): created `from_subscription` (one phase: the current items
 * until the period ends), updated with the phases to come, released to leave the
 * subscription as it is. At each renewal the phase that starts then replaces the items
 * (no proration: the boundary is a period's); after the last phase ends an
 * `end_behavior: release` schedule lets go of the subscription.
 */
export class SubscriptionSchedules {
  constructor(
    private readonly core: Core,
    private readonly subscriptions: Subscriptions,
  ) {
    subscriptions.schedules = this;
  }

  private phaseFrom(
    items: PhaseItem[],
    start: number,
    end: number,
    behavior: Stripe.SubscriptionSchedule.Phase.ProrationBehavior = 'create_prorations',
  ): Phase {
    return {
      add_invoice_items: [],
      application_fee_percent: null,
      billing_cycle_anchor: null,
      billing_thresholds: null,
      collection_method: null,
      currency: items[0].price.currency,
      default_payment_method: null,
      default_tax_rates: [],
      description: null,
      discounts: [],
      end_date: end,
      invoice_settings: null,
      items: items.map((i) => ({
        billing_thresholds: null,
        discounts: [],
        metadata: {},
        plan: i.price.id,
        price: i.price.id,
        quantity: i.quantity,
        tax_rates: [],
      })),
      metadata: {},
      on_behalf_of: null,
      proration_behavior: behavior,
      start_date: start,
      transfer_data: null,
      trial_end: null,
    } as unknown as Phase;
  }

  /** The items of the phase that starts at `at` (a renewal), or null; releases a finished schedule. */
  phaseStartingAt(owner: string, sub: Stripe.Subscription, at: number): PhaseItem[] | null {
    const schedule = typeof sub.schedule === 'string' ? this.core.state.subscriptionSchedules.find(sub.schedule, owner) : undefined;
    if (!schedule || schedule.status !== 'active') return null;
    const phase = schedule.phases.find((p) => p.start_date === at);
    if (!phase) {
      const last = schedule.phases[schedule.phases.length - 1];
      if (last && last.end_date <= at && schedule.end_behavior === 'release') this.release(owner, schedule, sub);
      return null;
    }
    schedule.current_phase = { start_date: phase.start_date, end_date: phase.end_date };
    this.core.events.publish('subscription_schedule.updated', owner, schedule);
    return phase.items.map((i) => ({
      price: this.core.state.prices.get(i.price as string, owner),
      quantity: i.quantity ?? 1,
    }));
  }

  private release(owner: string, schedule: Stripe.SubscriptionSchedule, sub: Stripe.Subscription): void {
    schedule.status = 'released';
    schedule.released_at = this.core.now();
    schedule.released_subscription = sub.id;
    schedule.subscription = null;
    schedule.current_phase = null;
    sub.schedule = null;
    this.core.events.publish('subscription_schedule.released', owner, schedule);
  }

  private phasesFrom(owner: string, p: Params, sub: Stripe.Subscription): Phase[] {
    const list = p.objList('phases');
    if (list.length === 0) throw invalidParam('phases', 'At least one phase is required.');
    const phases: Phase[] = [];
    let start = list[0].int('start_date') ?? sub.items.data[0].current_period_start;
    for (const [n, raw] of list.entries()) {
      const items = raw.objList('items').map((i) => ({
        price: this.core.state.prices.get(i.reqStr('price'), owner, `phases[${n}][items][][price]`),
        quantity: i.int('quantity') ?? 1,
      }));
      if (items.length === 0) throw invalidParam(`phases[${n}][items]`, 'Each phase needs at least one item.');
      const rec = items[0].price.recurring;
      if (!rec) throw invalidParam(`phases[${n}][items]`, 'Phase items must use recurring prices.');
      // `duration` (or the older `iterations`, counted in the price's intervals); one period by default.
      const duration = raw.obj('duration');
      const length: Stripe.Price.Recurring = duration
        ? {
            ...rec,
            interval: duration.oneOf('interval', ['day', 'week', 'month', 'year'] as const)!,
            interval_count: duration.int('interval_count') ?? 1,
          }
        : { ...rec, interval_count: rec.interval_count * (raw.int('iterations') ?? 1) };
      const end = raw.int('end_date') ?? periodEndAfter(start, length, start);
      if (end <= start) throw invalidParam(`phases[${n}][end_date]`, 'A phase must end after it starts.');
      const behavior = raw.oneOf('proration_behavior', ['create_prorations', 'always_invoice', 'none'] as const);
      phases.push(this.phaseFrom(items, start, end, behavior));
      start = end;
    }
    return phases;
  }

  register(api: ApiRouter): void {
    const { core } = this;
    const { state } = core;
    api.post(
      '/subscription_schedules',
      (req) => {
        const p = req.params;
        const sub = state.subscriptions.get(p.reqStr('from_subscription'), req.owner, 'from_subscription');
        if (sub.schedule)
          throw invalidRequest(`You cannot migrate a subscription that is already attached to a schedule: \`${String(sub.schedule)}\`.`);
        if (sub.status === 'canceled') throw invalidRequest('A canceled subscription cannot be attached to a schedule.');
        const item = sub.items.data[0];
        const now = core.now();
        const schedule = {
          id: newId('sub_sched'),
          object: 'subscription_schedule',
          application: null,
          billing_mode: { type: 'classic' },
          canceled_at: null,
          completed_at: null,
          created: now,
          current_phase: { start_date: item.current_period_start, end_date: item.current_period_end },
          customer: sub.customer,
          customer_account: null,
          default_settings: {
            application_fee_percent: null,
            automatic_tax: { enabled: false, liability: null },
            billing_cycle_anchor: 'automatic',
            billing_thresholds: null,
            collection_method: 'charge_automatically',
            default_payment_method: null,
            description: null,
            invoice_settings: { account_tax_ids: null, days_until_due: null, issuer: { type: 'self' } },
            on_behalf_of: null,
            transfer_data: null,
          },
          end_behavior: 'release',
          livemode: false,
          metadata: p.metadata() ?? {},
          phases: [
            this.phaseFrom(
              sub.items.data.map((i) => ({ price: i.price, quantity: i.quantity ?? 1 })),
              item.current_period_start,
              item.current_period_end,
            ),
          ],
          released_at: null,
          released_subscription: null,
          status: 'active',
          subscription: sub.id,
          test_clock: null,
        } as unknown as Stripe.SubscriptionSchedule;
        state.subscriptionSchedules.insert(req.owner, schedule);
        sub.schedule = schedule.id;
        core.events.publish('subscription_schedule.created', req.owner, schedule);
        core.events.publish('customer.subscription.updated', req.owner, sub, { schedule: null });
        return schedule;
      },
      { allow: ['from_subscription', 'metadata'] },
    );
    api.get('/subscription_schedules/:id', (req) => state.subscriptionSchedules.get(req.path.id, req.owner));
    api.post(
      '/subscription_schedules/:id',
      (req) => {
        const schedule = state.subscriptionSchedules.get(req.path.id, req.owner);
        if (schedule.status !== 'active' && schedule.status !== 'not_started')
          throw invalidRequest(`You cannot update a subscription schedule that is ${schedule.status}.`);
        const sub = state.subscriptions.get(schedule.subscription as string, req.owner);
        const p = req.params;
        if (p.has('phases')) {
          const phases = this.phasesFrom(req.owner, p, sub);
          if (phases[0].start_date !== sub.items.data[0].current_period_start)
            throw invalidParam('phases[0][start_date]', 'The first phase must start when the current phase started.');
          schedule.phases = phases;
        }
        const end = p.oneOf('end_behavior', ['release', 'cancel', 'none', 'renew'] as const);
        if (end) schedule.end_behavior = end;
        if (p.has('metadata')) schedule.metadata = p.metadata() ?? {};
        core.events.publish('subscription_schedule.updated', req.owner, schedule);
        return schedule;
      },
      { allow: ['phases', 'end_behavior', 'metadata', 'proration_behavior'] },
    );
    api.post(
      '/subscription_schedules/:id/release',
      (req) => {
        const schedule = state.subscriptionSchedules.get(req.path.id, req.owner);
        if (schedule.status !== 'active' && schedule.status !== 'not_started')
          throw invalidRequest(`You cannot release a subscription schedule that is currently ${schedule.status}.`);
        const sub = state.subscriptions.get(schedule.subscription as string, req.owner);
        this.release(req.owner, schedule, sub);
        core.events.publish('customer.subscription.updated', req.owner, sub, { schedule: schedule.id });
        return schedule;
      },
      { allow: ['preserve_cancel_date'] },
    );
  }
}
