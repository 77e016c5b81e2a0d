import type Stripe from 'stripe';
import type { SystemManager } from '@fpms/database/tenant-manager';

/** Which endpoint received an event: the platform's own, or the Connect one (events of connected accounts). */
export type WebhookSource = 'platform' | 'connect';

export interface StripeEventContext {
  /**
   * The processing transaction (system pool: webhook processing is cross-tenant by nature).
   * The event row is marked processed in this same transaction, so whatever the handler
   * writes — order state, ledger entries, outbox events — commits exactly once with it.
   */
  manager: SystemManager;
  source: WebhookSource;
}

/**
 * One feature's reaction to Stripe events. Handlers must be idempotent and
 * order-independent: the same event may be processed again after a crash before commit,
 * and events arrive in any order (when an event is older than what is held, or nothing is
 * held, re-fetch the object from Stripe rather than trusting the payload).
 * Throw to have the event retried with backoff (it is then visible as failed).
 */
export interface StripeEventHandler {
  readonly eventTypes: readonly string[];
  handle(event: Stripe.Event, context: StripeEventContext): Promise<void>;
}

/** The Nest multi-provider token every handler is registered under. */
export const STRIPE_EVENT_HANDLERS = Symbol('STRIPE_EVENT_HANDLERS');
