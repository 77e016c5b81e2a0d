import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { systemTransaction } from '@fpms/database/tenant-manager';
import type { StripeEventHandler } from '../webhooks/stripe-event-handler';

/**
 * A repair through a webhook handler: the event Stripe would have delivered for `object`,
 * handled in its own system transaction exactly as the processor handles a delivery (the
 * handlers re-read the object from Stripe and only move forward, so this is idempotent).
 */
export function replayThroughHandler(
  system: DataSource,
  handler: StripeEventHandler,
  type: string,
  object: { id: string; livemode?: boolean },
): Promise<void> {
  const event = {
    id: `reconciliation:${type}:${object.id}`,
    object: 'event',
    type,
    created: Math.floor(Date.now() / 1000),
    livemode: object.livemode ?? false,
    data: { object },
  } as unknown as Stripe.Event;
  return systemTransaction(system, (manager) => handler.handle(event, { manager, source: 'platform' }));
}
