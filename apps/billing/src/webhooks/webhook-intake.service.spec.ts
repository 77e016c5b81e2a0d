import type Stripe from 'stripe';
import type { DataSource } from 'typeorm';
import { Metrics } from '@fpms/common/metrics/metrics';
import { SystemClock } from '@fpms/common/scheduling/clock';
import type { StripeSignatureVerifier } from './stripe-signature-verifier';
import type { CrossTenantWebhookEventsRepository } from './webhook-events.repository';
import { WebhookIntake } from './webhook-intake.service';
import type { WebhookProcessor } from './webhook-processor';
import { WebhookError } from './webhook.errors';

const event = {
  id: 'evt_1',
  object: 'event',
  type: 'customer.created',
  created: 1,
  livemode: false,
  data: { object: {} },
} as unknown as Stripe.Event;

function intake(insert: () => Promise<boolean>) {
  const wakes: number[] = [];
  const service = new WebhookIntake(
    { verify: () => event } as unknown as StripeSignatureVerifier,
    { insertReceived: insert } as unknown as CrossTenantWebhookEventsRepository,
    { wake: () => wakes.push(1) } as unknown as WebhookProcessor,
    {} as DataSource,
    new SystemClock(),
    Metrics.detached(),
  );
  return { service, wakes };
}

describe('WebhookIntake', () => {
  it('answers 503 (Stripe retries), not 500, when the event cannot be stored, and wakes nobody', async () => {
    const { service, wakes } = intake(() => Promise.reject(Object.assign(new Error('relation missing'), { code: '42P01' })));
    const error = await service.receive('platform', Buffer.from('{}'), 't=1,v1=x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookError);
    expect([(error as WebhookError).status, (error as WebhookError).code]).toEqual([503, 'webhook_store_unavailable']);
    expect(wakes).toEqual([]);
  });

  it('wakes the processor for a new event only; a redelivery is acknowledged as a duplicate', async () => {
    const fresh = intake(() => Promise.resolve(true));
    expect(await fresh.service.receive('platform', Buffer.from('{}'), 'sig')).toEqual({ received: true, duplicate: false });
    expect(fresh.wakes).toHaveLength(1);
    const again = intake(() => Promise.resolve(false));
    expect(await again.service.receive('platform', Buffer.from('{}'), 'sig')).toEqual({ received: true, duplicate: true });
    expect(again.wakes).toHaveLength(0);
  });
});
