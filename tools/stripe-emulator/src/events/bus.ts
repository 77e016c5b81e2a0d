import type Stripe from 'stripe';
import { API_VERSION, type Core } from '../core';
import { newId } from '../ids';

/** The `data.object` type Stripe documents for an event type. */
export type EventObject<T extends Stripe.Event.Type> = Extract<Stripe.Event, { type: T }>['data']['object'];

function snapshot<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Records an event for a state change and hands it to webhook delivery. Events of a
 * connected account are stored in that account (list them with `Stripe-Account`),
 * carry `account`, and go to the platform's Connect endpoints.
 */
export class EventBus {
  constructor(private readonly core: Core) {}

  publish<T extends Stripe.Event.Type>(
    type: T,
    owner: string,
    object: EventObject<T>,
    previousAttributes?: Partial<EventObject<T>> | Record<string, unknown>,
  ): Stripe.Event {
    const req = this.core.currentRequest;
    const event = {
      id: newId('evt'),
      object: 'event',
      ...(this.core.isPlatform(owner) ? {} : { account: owner }),
      api_version: API_VERSION,
      created: this.core.now(),
      data: {
        object: snapshot(object),
        ...(previousAttributes ? { previous_attributes: snapshot(previousAttributes) } : {}),
      },
      livemode: false,
      pending_webhooks: 0,
      request: { id: req?.id ?? null, idempotency_key: req?.idempotencyKey ?? null },
      type,
    } as Stripe.Event;
    this.core.state.events.insert(owner, event);
    this.core.webhooks.enqueue(event, owner);
    return event;
  }
}

/** The fields of `after` that differ from `before`, with their old values: `previous_attributes`. */
export function previousAttributes(before: object, after: object): Record<string, unknown> {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    const bv = b[key];
    const av = a[key];
    if (JSON.stringify(bv) === JSON.stringify(av)) continue;
    if (bv && av && typeof bv === 'object' && typeof av === 'object' && !Array.isArray(bv) && !Array.isArray(av)) {
      out[key] = previousAttributes(bv, av);
    } else {
      out[key] = bv === undefined ? null : bv;
    }
  }
  return out;
}
