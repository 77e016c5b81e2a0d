import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { Clock } from '@fpms/common/scheduling/clock';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { CONNECT_ACCOUNT_EVENT_TYPES as CONNECT_EVENT_TYPES } from '../connect/connect-account-events.handler';
import { STRIPE } from '../stripe/stripe-client';
import { toReceivedEvent } from '../webhooks/stripe-event-shape';
import { CrossTenantWebhookEventsRepository } from '../webhooks/webhook-events.repository';
import { CrossTenantReconciliationEventsRepository } from './reconciliation-orders.repository';

/** The money an event's object carries, if it carries one (a session's total, a charge's or transfer's amount). */
export function moneyOfEvent(event: Stripe.Event): { amount: number; currency: string } | null {
  const object = event.data.object as { amount_total?: number | null; amount?: number | null; currency?: string | null };
  const amount = object.amount_total ?? object.amount;
  if (typeof amount !== 'number' || !object.currency) return null;
  return { amount, currency: object.currency.toUpperCase() };
}

/**
 * Events about the product catalogue (the plans' Products and Prices, created by setup,
 * often before any endpoint exists to receive them): configuration, not money or accounts,
 * so reconciliation neither audits them nor counts them as missing.
 */
const CATALOG_EVENT_PREFIXES = ['product.', 'price.', 'plan.', 'coupon.', 'promotion_code.', 'tax_rate.'];
export const isCatalogEvent = (type: string) => CATALOG_EVENT_PREFIXES.some((prefix) => type.startsWith(prefix));

/**
 * Stripe's own event list against the webhook ledger: what Stripe sent (or tried to) that
 * never arrived. A missing event is stored exactly as the intake stores a delivery, so the
 * processor applies it through the same handlers, once.
 */
@Injectable()
export class MissingStripeEvents {
  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe,
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly ledger: CrossTenantReconciliationEventsRepository,
    private readonly webhookEvents: CrossTenantWebhookEventsRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * The platform's events created since `since`, and the Connect events billing acts on of
   * every connected account it knows (listed per account, as Stripe keeps them), and those of
   * them the ledger lacks.
   */
  async find(since: Date): Promise<{ checked: number; missing: Stripe.Event[] }> {
    const created = { gte: Math.floor(since.getTime() / 1000) };
    const events: Stripe.Event[] = [];
    for await (const event of this.stripe.events.list({ created, limit: 100 })) if (!isCatalogEvent(event.type)) events.push(event);
    const accounts = await systemTransaction(this.system, (m) => this.ledger.connectedAccountIds(m));
    for (const stripeAccount of accounts) {
      const listed = this.stripe.events.list({ created, types: [...CONNECT_EVENT_TYPES], limit: 100 }, { stripeAccount });
      for await (const event of listed) events.push(event.account ? event : { ...event, account: stripeAccount });
    }
    const stored = await systemTransaction(this.system, (m) =>
      this.ledger.storedEventIds(
        m,
        events.map((e) => e.id),
      ),
    );
    return { checked: events.length, missing: events.filter((e) => !stored.has(e.id)) };
  }

  /**
   * Stores them as the intake would, each from the endpoint Stripe sends it to (a connected
   * account's event to the Connect one); a delivery arriving meanwhile finds its row there: a duplicate.
   */
  async store(events: Stripe.Event[]): Promise<void> {
    for (const event of events)
      await this.webhookEvents.insertReceived(
        this.system,
        toReceivedEvent(event, event.account ? 'connect' : 'platform'),
        this.clock.now(),
      );
  }

  /** Where each event stands now in the ledger. */
  statuses(ids: string[]): Promise<Map<string, string>> {
    return systemTransaction(this.system, (m) => this.ledger.eventStatuses(m, ids));
  }
}
