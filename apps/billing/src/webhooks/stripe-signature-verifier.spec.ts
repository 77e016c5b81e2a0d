import Stripe from 'stripe';
import { billingEnvSchema, BillingEnv } from '../config';
import { StripeSignatureVerifier } from './stripe-signature-verifier';
import { WebhookError } from './webhook.errors';

const stripe = new Stripe('sk_test_unit');
const OLD = 'whsec_oldoldoldoldoldoldold';
const NEW = 'whsec_newnewnewnewnewnewnew';

function verifier(overrides: Record<string, string> = {}): StripeSignatureVerifier {
  const env: BillingEnv = billingEnvSchema.parse({
    DB_NAME: 'x',
    DB_USER: 'x',
    DB_SYSTEM_USER: 'x',
    JWT_KEYS_DIR: '/nonexistent',
    JWT_ACTIVE_KID: 'k',
    STRIPE_SECRET_KEY: 'sk_test_unit',
    STRIPE_WEBHOOK_SECRETS: `${OLD},${NEW}`,
    STRIPE_CONNECT_WEBHOOK_SECRETS: '',
    ...overrides,
  });
  return new StripeSignatureVerifier(stripe, env);
}

const event = {
  id: 'evt_1',
  object: 'event',
  type: 'customer.created',
  created: 1_700_000_000,
  livemode: false,
  data: { object: { id: 'cus_1' } },
};
const body = (value: unknown = event) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const sign = (payload: Buffer, secret: string, timestamp?: number) =>
  stripe.webhooks.generateTestHeaderString({ payload: payload.toString('utf8'), secret, timestamp });

function refusal(run: () => unknown): { status: number; code: string } | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof WebhookError)) throw error;
    return { status: error.status, code: error.code };
  }
}

describe('StripeSignatureVerifier', () => {
  it('accepts a body signed with any configured secret (rotation) and answers the parsed event', () => {
    for (const secret of [OLD, NEW]) expect(verifier().verify('platform', body(), sign(body(), secret))).toEqual(event);
  });

  it('refuses an unknown secret, altered bytes and a malformed header as an invalid signature', () => {
    const wrong = { status: 400, code: 'webhook_signature_invalid' };
    expect(refusal(() => verifier().verify('platform', body(), sign(body(), 'whsec_unknownunknown')))).toEqual(wrong);
    expect(refusal(() => verifier().verify('platform', body({ ...event, livemode: true }), sign(body(), NEW)))).toEqual(wrong);
    expect(refusal(() => verifier().verify('platform', body(), 't=abc'))).toEqual(wrong);
  });

  it('refuses a matching signature whose timestamp is older than the tolerance, and accepts it within', () => {
    const now = Math.floor(Date.now() / 1000);
    const tolerance = { STRIPE_WEBHOOK_TOLERANCE_SECONDS: '60' };
    expect(refusal(() => verifier(tolerance).verify('platform', body(), sign(body(), NEW, now - 61)))).toEqual({
      status: 400,
      code: 'webhook_timestamp_outside_tolerance',
    });
    expect(refusal(() => verifier(tolerance).verify('platform', body(), sign(body(), NEW, now - 50)))).toBe('accepted');
  });

  it('refuses a missing header, a signed body that is not JSON or not an event', () => {
    expect(refusal(() => verifier().verify('platform', body(), undefined))).toEqual({ status: 400, code: 'webhook_signature_missing' });
    expect(refusal(() => verifier().verify('platform', body(), ['a', 'b']))).toEqual({ status: 400, code: 'webhook_signature_missing' });
    const notJson = body('{"id":');
    expect(refusal(() => verifier().verify('platform', notJson, sign(notJson, NEW)))).toEqual({
      status: 400,
      code: 'webhook_event_invalid',
    });
    for (const value of [
      [event],
      { ...event, object: 'charge' },
      { ...event, id: '' },
      { ...event, created: 'yesterday' },
      { ...event, data: {} },
    ]) {
      expect(refusal(() => verifier().verify('platform', body(value), sign(body(value), NEW)))).toEqual({
        status: 400,
        code: 'webhook_event_invalid',
      });
    }
    expect(refusal(() => verifier().verify('platform', undefined, sign(body(), NEW)))).toEqual({
      status: 400,
      code: 'webhook_event_invalid',
    });
  });

  it('answers 503 for an endpoint with no secret configured (Stripe keeps retrying until it is fixed)', () => {
    expect(refusal(() => verifier().verify('connect', body(), sign(body(), NEW)))).toEqual({
      status: 503,
      code: 'webhook_endpoint_not_configured',
    });
  });
});
