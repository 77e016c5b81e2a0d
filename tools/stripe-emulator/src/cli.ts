#!/usr/bin/env node
import { startStripeEmulator } from './index';

/**
 * `npm run stripe:emulator`: STRIPE_EMULATOR_PORT (12111), STRIPE_EMULATOR_HOST (127.0.0.1),
 * STRIPE_EMULATOR_API_KEY (sk_test_emulator, comma-separated for several), and
 * STRIPE_EMULATOR_WEBHOOKS: endpoints registered at boot, a JSON array of
 * `{ "url", "secret", "connect"? }` (docker compose points them at billing; the emulator
 * keeps nothing across restarts, so they are registered on every start).
 */
interface BootWebhook {
  url: string;
  secret: string;
  connect?: boolean;
}

function bootWebhooks(raw: string | undefined): BootWebhook[] {
  if (!raw?.trim()) return [];
  const parsed: unknown = JSON.parse(raw);
  const valid = (w: unknown): w is BootWebhook =>
    typeof w === 'object' &&
    w !== null &&
    typeof (w as BootWebhook).url === 'string' &&
    typeof (w as BootWebhook).secret === 'string' &&
    ['undefined', 'boolean'].includes(typeof (w as BootWebhook).connect);
  if (!Array.isArray(parsed) || !parsed.every(valid))
    throw new Error('STRIPE_EMULATOR_WEBHOOKS must be a JSON array of { url, secret, connect? }');
  return parsed;
}

async function main(): Promise<void> {
  const port = Number(process.env.STRIPE_EMULATOR_PORT ?? 12111);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`Invalid STRIPE_EMULATOR_PORT: ${process.env.STRIPE_EMULATOR_PORT}`);
  const host = process.env.STRIPE_EMULATOR_HOST ?? '127.0.0.1';
  const apiKeys = (process.env.STRIPE_EMULATOR_API_KEY ?? 'sk_test_emulator')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const webhooks = bootWebhooks(process.env.STRIPE_EMULATOR_WEBHOOKS);
  const emulator = await startStripeEmulator({ port, host, apiKeys, publicUrl: process.env.STRIPE_EMULATOR_PUBLIC_URL });
  for (const hook of webhooks) {
    await emulator.addWebhookEndpoint({ url: hook.url, secret: hook.secret, connect: hook.connect });
    process.stdout.write(`  webhook endpoint ${hook.url}${hook.connect ? ' (connect)' : ''}\n`);
  }
  process.stdout.write(`Stripe emulator listening on ${emulator.url} (platform account ${emulator.platformAccountId})\n`);
  process.stdout.write(`  API key: ${apiKeys.join(', ')}   test controls: ${emulator.url}/_emulator/...\n`);
  const shutdown = () => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
