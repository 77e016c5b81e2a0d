import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { bearer, RunningPlatform, SignedUpUser, TappedEvent } from '@fpms/harness';
import { STRIPE_EVENT_HANDLERS, StripeEventHandler } from '../../apps/billing/src/webhooks/stripe-event-handler';

/**
 * Driving Connect the way Stripe does, for tests: the emulator's SDK client, its events, and
 * a delivery straight into billing's handler in a system transaction (as the webhook
 * processor calls it), so a test decides which event arrives when, and how often.
 */
export class ConnectDriver {
  readonly stripe: Stripe;
  private readonly handlers: StripeEventHandler[];
  private readonly system: DataSource;

  constructor(private readonly platform: RunningPlatform) {
    const emulator = platform.stripe!.emulator;
    this.stripe = new Stripe(emulator.apiKey, { ...emulator.stripeConfig, maxNetworkRetries: 0 });
    this.handlers = platform.apps.billing!.get<StripeEventHandler[]>(STRIPE_EVENT_HANDLERS);
    this.system = platform.apps.billing!.get<DataSource>(getDataSourceToken(SYSTEM_DATA_SOURCE));
  }

  get control() {
    return this.platform.stripe!.emulator.control;
  }

  /** The connected account's `account.updated` events, oldest first. */
  async accountEvents(stripeAccountId: string): Promise<Stripe.Event[]> {
    const list = await this.stripe.events.list({ type: 'account.updated', limit: 100 }, { stripeAccount: stripeAccountId });
    return [...list.data].reverse();
  }

  async newestAccountEvent(stripeAccountId: string): Promise<Stripe.Event> {
    const events = await this.accountEvents(stripeAccountId);
    if (events.length === 0) throw new Error(`no account.updated for ${stripeAccountId}`);
    return events[events.length - 1];
  }

  /**
   * One delivery of `event` to the handlers registered for its type (STRIPE_EVENT_HANDLERS, as
   * the webhook processor dispatches), committed like the processor commits it.
   */
  deliver(event: Stripe.Event, source: 'connect' | 'platform' = 'connect'): Promise<void> {
    const handlers = this.handlers.filter((h) => h.eventTypes.includes(event.type));
    if (handlers.length === 0) throw new Error(`no handler registered for ${event.type}`);
    return systemTransaction(this.system, async (manager) => {
      for (const handler of handlers) await handler.handle(event, { manager, source });
    });
  }

  /** Moves the connected account through onboarding (emulator control) and answers the event Stripe emitted. */
  async setOnboarding(stripeAccountId: string, state: 'complete' | 'restricted' | 'pending_verification'): Promise<Stripe.Event> {
    const before = (await this.accountEvents(stripeAccountId)).length;
    await this.control.setOnboarding(stripeAccountId, state);
    const events = await this.accountEvents(stripeAccountId);
    if (events.length !== before + 1) throw new Error(`expected one new account.updated, got ${events.length - before}`);
    return events[events.length - 1];
  }

  /** What Stripe sends when a connected account revokes the platform's access (the emulator has no control for it). */
  async deauthorizationEvent(stripeAccountId: string): Promise<Stripe.Event> {
    return {
      id: `evt_deauth_${stripeAccountId}`,
      object: 'event',
      account: stripeAccountId,
      api_version: '2026-10-28.endive',
      created: await this.control.now(),
      data: { object: { id: 'ca_fpmsTestApplication', object: 'application', name: 'FPMS' } },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: 'account.application.deauthorized',
    } as Stripe.Event;
  }

  /** Connected accounts whose metadata names `accountId`. */
  async stripeAccountsOf(accountId: string): Promise<Stripe.Account[]> {
    const all = await this.stripe.accounts.list({ limit: 100 });
    return all.data.filter((a) => a.metadata?.fpms_account_id === accountId);
  }
}

export const connectState = (gatewayUrl: string, user: { token: string }) =>
  request(gatewayUrl).get('/api/v1/billing/connect').set(bearer(user.token));

export const startOnboarding = (gatewayUrl: string, user: { token: string }) =>
  request(gatewayUrl).post('/api/v1/billing/connect/onboarding').set(bearer(user.token)).send();

/** The one connected account of `user`'s account (fails unless there is exactly one). */
export async function onlyStripeAccount(driver: ConnectDriver, user: SignedUpUser): Promise<string> {
  const accounts = await driver.stripeAccountsOf(user.accountId);
  if (accounts.length !== 1) throw new Error(`expected one connected account for ${user.accountId}, found ${accounts.length}`);
  return accounts[0].id;
}

/** `billing.connect.status_changed` events of one account, as `version:status` by version (a duplicate shows twice). */
export const statusChanges = (events: TappedEvent[], accountId: string) =>
  events
    .filter((e) => e.body.type === 'billing.connect.status_changed' && e.body.aggregateId === accountId)
    .map((e) => ({
      version: (e.body as unknown as { aggregateVersion: number }).aggregateVersion,
      status: (e.body.data as { status: string }).status,
    }))
    .sort((a, b) => a.version - b.version)
    .map((e) => `${e.version}:${e.status}`);
