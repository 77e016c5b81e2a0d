import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { BILLING_ENV } from '../billing-env.token';
import type { BillingEnv } from '../config';
import { STRIPE } from '../stripe/stripe-client';
import type { WebhookSource } from './stripe-event-handler';
import { stripeEventProblem } from './stripe-event-shape';
import { WebhookError } from './webhook.errors';

/**
 * Checks a delivery's `Stripe-Signature` with the SDK against every secret configured for
 * its endpoint (several while one is rotated out), then Stripe's timestamp tolerance, then
 * that the body is an event. The tolerance is measured on the wall clock, as the SDK and
 * Stripe do: it compares the sender's clock with ours, not business time (a test's
 * MutableClock must not make real deliveries stale).
 */
@Injectable()
export class StripeSignatureVerifier {
  constructor(
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(BILLING_ENV) private readonly env: BillingEnv,
  ) {}

  verify(source: WebhookSource, rawBody: Buffer | undefined, header: string | string[] | undefined): Stripe.Event {
    const secrets = source === 'platform' ? this.env.STRIPE_WEBHOOK_SECRETS : this.env.STRIPE_CONNECT_WEBHOOK_SECRETS;
    if (secrets.length === 0) throw WebhookError.endpointNotConfigured(source);
    if (typeof header !== 'string' || header.trim() === '') throw WebhookError.signatureMissing();
    if (!rawBody || rawBody.length === 0) throw WebhookError.invalidEvent('the body is empty or not sent as JSON');
    const { secret, event } = this.matchSignature(rawBody, header, secrets);
    try {
      // Same check again with the tolerance: only the timestamp can fail now.
      this.stripe.webhooks.constructEvent(rawBody, header, secret, this.env.STRIPE_WEBHOOK_TOLERANCE_SECONDS);
    } catch {
      throw WebhookError.timestampOutsideTolerance(this.env.STRIPE_WEBHOOK_TOLERANCE_SECONDS);
    }
    const problem = stripeEventProblem(event);
    if (problem) throw WebhookError.invalidEvent(problem);
    return event;
  }

  /** The first secret whose signature is in the header (tolerance 0: the SDK skips the timestamp check), and the parsed body. */
  private matchSignature(rawBody: Buffer, header: string, secrets: string[]): { secret: string; event: Stripe.Event } {
    for (const secret of secrets) {
      let event: Stripe.Event;
      try {
        event = this.stripe.webhooks.constructEvent(rawBody, header, secret, 0);
      } catch (error) {
        if (error instanceof Stripe.errors.StripeSignatureVerificationError) continue;
        // The signature matched; parsing the signed bytes failed.
        throw WebhookError.invalidEvent('the body is not JSON');
      }
      return { secret, event };
    }
    throw WebhookError.signatureInvalid();
  }
}
