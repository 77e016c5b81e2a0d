import { createHmac } from 'crypto';

/**
 * Stripe's webhook signature: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>" keyed with the endpoint secret>`. `stripe.webhooks.constructEvent`
 * verifies exactly this, with a 300 s tolerance against the receiver's wall clock,
 * which is why `t` is wall time and not the emulated clock.
 */
export function signaturePayload(payload: string, secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
}

export function signatureHeader(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${signaturePayload(payload, secret, timestamp)}`;
}

/** A well-formed header whose v1 does not match: what an attacker or a wrong secret produces. */
export function corruptSignatureHeader(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const good = signaturePayload(payload, secret, timestamp);
  const flipped = (good[0] === '0' ? '1' : '0') + good.slice(1);
  return `t=${timestamp},v1=${flipped}`;
}
