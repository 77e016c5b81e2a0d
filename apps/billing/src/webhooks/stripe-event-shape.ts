import type Stripe from 'stripe';
import type { WebhookSource } from './stripe-event-handler';

/** A verified event as the intake stores it. */
export interface ReceivedStripeEvent {
  id: string;
  source: WebhookSource;
  type: string;
  stripeAccountId: string | null;
  stripeCreatedAt: Date;
  livemode: boolean;
  payload: Stripe.Event;
}

const MAX_ID_LENGTH = 255;
const isShortString = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;

/**
 * Why a signed, parsed body is not a Stripe event we can store, or null when it is one.
 * Only what storing and dispatching need is checked; the rest is the handlers' business.
 */
export function stripeEventProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const e = value as Record<string, unknown>;
  if (e.object !== 'event') return 'object is not "event"';
  if (!isShortString(e.id)) return 'id is missing or not a short string';
  if (!isShortString(e.type)) return 'type is missing or not a short string';
  if (typeof e.created !== 'number' || !Number.isInteger(e.created) || e.created < 0) return 'created is not a Unix timestamp';
  if (typeof e.livemode !== 'boolean') return 'livemode is not a boolean';
  if (e.account !== undefined && e.account !== null && !isShortString(e.account)) return 'account is not a short string';
  const data = e.data as Record<string, unknown> | undefined;
  if (typeof data !== 'object' || data === null || typeof data.object !== 'object' || data.object === null) return 'data.object is missing';
  return null;
}

export function toReceivedEvent(event: Stripe.Event, source: WebhookSource): ReceivedStripeEvent {
  return {
    id: event.id,
    source,
    type: event.type,
    stripeAccountId: event.account ?? null,
    stripeCreatedAt: new Date(event.created * 1000),
    livemode: event.livemode,
    payload: event,
  };
}
