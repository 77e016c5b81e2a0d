import http from 'http';
import type { AddressInfo } from 'net';
import Stripe from 'stripe';
import { startStripeEmulator, type StripeEmulator, type StripeEmulatorOptions } from '../src';

export const API_KEY = 'sk_test_emulator_suite';

export interface Harness {
  emulator: StripeEmulator;
  stripe: Stripe;
}

export async function startHarness(options: StripeEmulatorOptions = {}): Promise<Harness> {
  const emulator = await startStripeEmulator({ port: 0, apiKeys: [API_KEY], ...options });
  // maxNetworkRetries 0: the suite asserts on first answers (retry behaviour is tested explicitly).
  const stripe = new Stripe(API_KEY, { ...emulator.stripeConfig, maxNetworkRetries: 0, timeout: 10_000 });
  return { emulator, stripe };
}

export interface Received {
  event: Stripe.Event | null;
  rawBody: string;
  signature: string;
  verified: boolean;
  error: string | null;
  at: number;
}

/**
 * A real webhook receiver: it verifies every delivery with the SDK's
 * `stripe.webhooks.constructEvent` and answers 400 to bad signatures, like our billing
 * service does. `respond` decides the status for verified events (default 200).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  secrets: string[] = [];
  respond: (event: Stripe.Event) => number | Promise<number> = () => 200;
  private server!: http.Server;
  url = '';
  private readonly verifier = new Stripe('sk_test_unused');

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const signature = String(req.headers['stripe-signature'] ?? '');
        let event: Stripe.Event | null = null;
        let error: string | null = null;
        for (const secret of this.secrets) {
          try {
            event = this.verifier.webhooks.constructEvent(rawBody, signature, secret);
            break;
          } catch (e) {
            error = (e as Error).message;
          }
        }
        this.received.push({ event, rawBody, signature, verified: event !== null, error: event ? null : error, at: Date.now() });
        const status = event ? await this.respond(event) : 400;
        res.statusCode = status;
        res.end(status < 300 ? '{"received":true}' : '{"error":"rejected"}');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/stripe`;
    return this;
  }

  events(): Stripe.Event[] {
    return this.received.filter((r) => r.verified).map((r) => r.event!);
  }

  ofType(type: string): Stripe.Event[] {
    return this.events().filter((e) => e.type === type);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** Polls until `check` returns a truthy value or the deadline passes. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A connected Express account that finished onboarding (charges and payouts enabled). */
export async function onboardedAccount(h: Harness): Promise<Stripe.Account> {
  const account = await h.stripe.accounts.create({
    type: 'express',
    country: 'US',
    email: 'freelancer@example.com',
    capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
  });
  return h.emulator.control.setOnboarding(account.id, 'complete');
}
