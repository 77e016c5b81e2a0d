import { ClockOptions } from './clock';

export interface StripeEmulatorOptions {
  /** TCP port; 0 picks a free one (default 0). */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Secret keys accepted as `Authorization: Bearer` (default ['sk_test_emulator']). */
  apiKeys?: string[];
  clock?: ClockOptions;
  /** Base URL used in checkout/onboarding links (default http://host:port). */
  publicUrl?: string;
  webhooks?: {
    /** Real milliseconds to wait for a receiver's answer before counting a timeout (default 10000). */
    timeoutMs?: number;
    /**
     * Emulated seconds between attempts after a failed delivery. Stripe retries with
     * exponential backoff for up to three days; the default mirrors that (1 min doubling,
     * capped at 6 h, 16 attempts in all).
     */
    retryScheduleSeconds?: number[];
  };
  fees?: {
    /** Stripe's processing fee in basis points of the amount (default 290 = 2.9%). */
    percentBps?: number;
    /** Stripe's fixed processing fee in minor units (default 30). */
    fixed?: number;
    /** Dispute fee in minor units, withdrawn with the disputed amount (default 1500). */
    dispute?: number;
  };
  /** Seconds before charge funds become available (default 2 days; `pm_card_bypassPending` skips it). */
  availabilityDelaySeconds?: number;
  /** Days after a failed renewal at which Stripe retries the invoice (default [3, 5, 7]), then cancels. */
  subscriptionRetryDays?: number[];
}

export interface ResolvedOptions {
  port: number;
  host: string;
  apiKeys: string[];
  clock: ClockOptions;
  publicUrl?: string;
  webhookTimeoutMs: number;
  retryScheduleSeconds: number[];
  feePercentBps: number;
  feeFixed: number;
  disputeFee: number;
  availabilityDelaySeconds: number;
  subscriptionRetryDays: number[];
}

function defaultRetrySchedule(): number[] {
  const out: number[] = [];
  for (let i = 0; i < 15; i++) out.push(Math.min(60 * 2 ** i, 6 * 3600));
  return out;
}

export function resolveOptions(o: StripeEmulatorOptions = {}): ResolvedOptions {
  return {
    port: o.port ?? 0,
    host: o.host ?? '127.0.0.1',
    apiKeys: o.apiKeys && o.apiKeys.length > 0 ? o.apiKeys : ['sk_test_emulator'],
    clock: o.clock ?? {},
    publicUrl: o.publicUrl,
    webhookTimeoutMs: o.webhooks?.timeoutMs ?? 10_000,
    retryScheduleSeconds: o.webhooks?.retryScheduleSeconds ?? defaultRetrySchedule(),
    feePercentBps: o.fees?.percentBps ?? 290,
    feeFixed: o.fees?.fixed ?? 30,
    disputeFee: o.fees?.dispute ?? 1500,
    availabilityDelaySeconds: o.availabilityDelaySeconds ?? 2 * 24 * 3600,
    subscriptionRetryDays: o.subscriptionRetryDays ?? [3, 5, 7],
  };
}
