import Stripe from 'stripe';
import type { BillingEnv } from '../config';

/** The Nest token of the one Stripe SDK client billing uses (real Stripe, or the emulator). */
export const STRIPE = Symbol('STRIPE');

/**
 * Stripe's SDK, pointed at the emulator when a host is configured. The SDK's own retries
 * stay on (network errors, 409 lock timeouts, 429, 5xx; always with our idempotency key),
 * so one call survives a blip; anything longer is retried by whoever made the call.
 */
export function createStripeClient(env: BillingEnv): Stripe {
  return new Stripe(env.STRIPE_SECRET_KEY, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(env.STRIPE_API_HOST ? { host: env.STRIPE_API_HOST, port: env.STRIPE_API_PORT, protocol: env.STRIPE_API_PROTOCOL } : {}),
  });
}
