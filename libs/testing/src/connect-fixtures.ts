import request from 'supertest';
import { bearer, SignedUpUser } from './http';

/**
 * Onboards an account owner to Stripe Connect as a freelancer would: asks for an onboarding
 * link, follows it (the Stripe emulator completes the forms there) and waits until Stripe's
 * `account.updated` has reached billing and payouts are enabled.
 */
export async function onboardToConnect(gatewayUrl: string, owner: SignedUpUser, timeoutMs = 20_000): Promise<void> {
  const api = request(gatewayUrl);
  const link = await api.post('/api/v1/billing/connect/onboarding').set(bearer(owner.token)).send({});
  if (link.status !== 200) throw new Error(`onboarding failed: ${link.status} ${JSON.stringify(link.body)}`);
  await fetch(link.body.url, { redirect: 'manual' });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await api.get('/api/v1/billing/connect').set(bearer(owner.token));
    if (state.body.payoutsEnabled === true) return;
    if (Date.now() > deadline) throw new Error(`payouts not enabled after onboarding: ${JSON.stringify(state.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
