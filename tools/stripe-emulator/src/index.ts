import type { AddressInfo } from 'net';
import type { Server } from 'http';
import { EmulatorControl, type CreatedWebhookEndpoint } from './control/client';
import { Core } from './core';
import { buildApp } from './http/app';
import { resolveOptions, type StripeEmulatorOptions } from './options';

export type { StripeEmulatorOptions } from './options';
export type { ClockOptions } from './clock';
export type { WebhookFault } from './webhooks/faults';
export type { Delivery, DeliveryAttempt } from './webhooks/delivery';
export type { ApiFault } from './http/api-faults';
export type { CheckoutOutcome } from './resources/checkout-sessions';
export type { OnboardingState } from './resources/accounts';
export { EmulatorControl, EmulatorControlError, type CreatedWebhookEndpoint } from './control/client';
export { TEST_CARDS } from './payments/test-cards';

export interface StripeEmulator {
  /** Base URL, e.g. `http://127.0.0.1:54321`. */
  url: string;
  host: string;
  port: number;
  /** The first accepted secret key. */
  apiKey: string;
  /** Id of the platform account (`GET /v1/account`). */
  platformAccountId: string;
  /** Options for the `stripe` SDK: `new Stripe(emulator.apiKey, emulator.stripeConfig)`. */
  stripeConfig: { host: string; port: number; protocol: 'http' };
  /** Typed client for the `/_emulator` test controls. */
  control: EmulatorControl;
  /** Registers a webhook endpoint (`connect: true` for connected-account events) and returns it with its signing secret. */
  addWebhookEndpoint(input: {
    url: string;
    connect?: boolean;
    enabledEvents?: string[];
    description?: string;
    /** Chosen signing secret, so the receiver can be configured before the endpoint exists. */
    secret?: string;
  }): Promise<CreatedWebhookEndpoint>;
  stop(): Promise<void>;
}

/** Starts an emulator in this process. Use port 0 (the default) for a free port. */
export async function startStripeEmulator(options: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  const resolved = resolveOptions(options);
  const core = new Core(resolved);
  const app = buildApp(core);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(resolved.port, resolved.host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.on('error', reject);
  });
  server.keepAliveTimeout = 5000;
  const { port } = server.address() as AddressInfo;
  const hostForUrl = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  const url = `http://${hostForUrl}:${port}`;
  core.baseUrl = resolved.publicUrl ?? url;
  const control = new EmulatorControl(url);
  return {
    url,
    host: resolved.host,
    port,
    apiKey: resolved.apiKeys[0],
    platformAccountId: core.platformId,
    stripeConfig: { host: resolved.host, port, protocol: 'http' },
    control,
    addWebhookEndpoint: (input) =>
      control.addWebhookEndpoint({
        url: input.url,
        connect: input.connect,
        enabled_events: input.enabledEvents,
        description: input.description,
        secret: input.secret,
      }),
    stop: async () => {
      core.clock.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
