import http from 'http';
import type Stripe from 'stripe';
import type { CheckoutOutcome } from '../resources/checkout-sessions';
import type { OnboardingState } from '../resources/accounts';
import type { ApiFault } from '../http/api-faults';
import type { Delivery } from '../webhooks/delivery';
import type { WebhookFault } from '../webhooks/faults';

export interface CreatedWebhookEndpoint extends Stripe.WebhookEndpoint {
  secret: string;
}

export class EmulatorControlError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`emulator control ${status}: ${JSON.stringify(body)}`);
  }
}

/**
 * Typed client for the `/_emulator` test controls. Works against an in-process
 * emulator or one started with the CLI (pass its URL).
 */
export class EmulatorControl {
  constructor(readonly baseUrl: string) {}

  private request<T>(method: string, path: string, payload?: unknown): Promise<T> {
    const url = new URL(`/_emulator${path}`, this.baseUrl);
    const data = payload === undefined ? undefined : JSON.stringify(payload);
    return new Promise<T>((resolve, reject) => {
      const req = http.request(
        url,
        { method, agent: false, headers: data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {} },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const parsed = text ? (JSON.parse(text) as unknown) : undefined;
            if ((res.statusCode ?? 500) >= 400) reject(new EmulatorControlError(res.statusCode ?? 500, parsed));
            else resolve(parsed as T);
          });
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  }

  health(): Promise<{ ok: boolean; platform_account: string; now: number }> {
    return this.request('GET', '/health');
  }
  reset(): Promise<void> {
    return this.request('POST', '/reset');
  }

  /** Emulated time (unix seconds). */
  async now(): Promise<number> {
    return (await this.request<{ now: number }>('GET', '/clock')).now;
  }
  /** Moves the clock forward, running renewals, expiries, payout arrivals and webhook retries that fall due; then drains deliveries. */
  advanceClock(seconds: number): Promise<{ now: number }> {
    return this.request('POST', '/clock/advance', { seconds });
  }
  setClock(time: number): Promise<{ now: number }> {
    return this.request('POST', '/clock/set', { time });
  }

  completeCheckout(
    sessionId: string,
    input: { outcome?: CheckoutOutcome; payment_method?: string; email?: string; name?: string; settle_after_seconds?: number } = {},
  ): Promise<{ session: Stripe.Checkout.Session; error?: { code: string; decline_code?: string; message: string } }> {
    return this.request('POST', `/checkout/sessions/${sessionId}/complete`, input);
  }
  settleCheckout(sessionId: string, success: boolean): Promise<Stripe.Checkout.Session> {
    return this.request('POST', `/checkout/sessions/${sessionId}/settle`, { success });
  }

  setOnboarding(accountId: string, state: OnboardingState): Promise<Stripe.Account> {
    return this.request('POST', `/accounts/${accountId}/onboarding`, { state });
  }

  openDispute(chargeId: string, input: { reason?: string; inquiry?: boolean } = {}): Promise<Stripe.Dispute> {
    return this.request('POST', `/charges/${chargeId}/dispute`, input);
  }
  closeDispute(disputeId: string, outcome: 'won' | 'lost'): Promise<Stripe.Dispute> {
    return this.request('POST', `/disputes/${disputeId}/close`, { outcome });
  }

  payPayout(payoutId: string): Promise<Stripe.Payout> {
    return this.request('POST', `/payouts/${payoutId}/paid`);
  }
  failPayout(payoutId: string, failureCode = 'account_closed'): Promise<Stripe.Payout> {
    return this.request('POST', `/payouts/${payoutId}/failed`, { failure_code: failureCode });
  }

  failNextRenewal(subscriptionId: string, times = 1): Promise<Stripe.Subscription> {
    return this.request('POST', `/subscriptions/${subscriptionId}/fail_next_renewal`, { times });
  }

  /** Jumps the emulated clock to the subscription's current period end: it renews (or ends) there. */
  advanceToRenewal(subscriptionId: string): Promise<Stripe.Subscription> {
    return this.request('POST', `/subscriptions/${subscriptionId}/advance_to_renewal`);
  }
  topUp(amount: number, currency = 'usd', account?: string): Promise<Stripe.Balance> {
    return this.request('POST', '/balance/top_up', { amount, currency, account });
  }

  addWebhookEndpoint(input: {
    url: string;
    connect?: boolean;
    enabled_events?: string[];
    description?: string;
    account?: string;
    /** Chosen signing secret (`whsec_` + at least 8 letters or digits); generated when absent. */
    secret?: string;
  }): Promise<CreatedWebhookEndpoint> {
    return this.request('POST', '/webhook_endpoints', input);
  }
  addWebhookFault(endpointId: string, fault: WebhookFault): Promise<{ faults: WebhookFault[] }> {
    return this.request('POST', `/webhook_endpoints/${endpointId}/faults`, fault);
  }
  clearWebhookFaults(endpointId: string): Promise<void> {
    return this.request('DELETE', `/webhook_endpoints/${endpointId}/faults`);
  }
  flushShuffled(endpointId: string): Promise<void> {
    return this.request('POST', `/webhook_endpoints/${endpointId}/flush`);
  }
  async deliveries(filter: { endpoint?: string; event?: string; type?: string } = {}): Promise<Delivery[]> {
    const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined) as [string, string][]).toString();
    return (await this.request<{ deliveries: Delivery[] }>('GET', `/webhooks/deliveries${q ? `?${q}` : ''}`)).deliveries;
  }
  /** Waits until no webhook delivery is in flight or due now. */
  drainWebhooks(): Promise<void> {
    return this.request('POST', '/webhooks/drain');
  }

  addApiFault(fault: {
    status: ApiFault['status'];
    count?: number;
    method?: string;
    path_prefix?: string;
    phase?: 'before' | 'after';
  }): Promise<void> {
    return this.request('POST', '/api_faults', fault);
  }
  clearApiFaults(): Promise<void> {
    return this.request('DELETE', '/api_faults');
  }
}
