import { request } from 'node:http';
import concurrently from 'concurrently';
import Stripe from 'stripe';
import { createPlanPrices } from '../billing/plan-prices';
import { SERVICE_NAMES } from '@fpms/database/service-names';
import { EmulatorControl } from '../stripe-emulator/src/control/client';
import {
  EMULATOR_API_KEY,
  EMULATOR_WEBHOOK_SECRETS,
  LOCAL_S3_BUCKET,
  localS3Port,
  mailSinkPorts,
  platformEnv,
  serviceEnv,
  servicePort,
  stripeEmulatorPort,
} from '../infra/platform-env';

/**
 * Runs the five services as separate processes with prefixed logs, prints the gateway
 * URL once every service answers /health/ready, and stops them all on Ctrl-C (SIGINT
 * reaches each service, which drains and exits).
 */
const platform = platformEnv();
const colors = ['cyan', 'green', 'yellow', 'magenta', 'blue'];

const useEmulator = platform.stripeMode === 'emulator';
const emulator = {
  name: 'stripe   ',
  command: 'node dist/tools/stripe-emulator/src/cli.js',
  env: { STRIPE_EMULATOR_PORT: String(stripeEmulatorPort(platform)), STRIPE_EMULATOR_API_KEY: EMULATOR_API_KEY },
  prefixColor: 'gray',
};

// Without S3_BUCKET, the files service stores objects in a local s3rver (data in .local/s3).
const useLocalS3 = platform.s3Mode === 'local';
const s3 = {
  name: 's3       ',
  command: 'node dist/tools/s3-local/cli.js',
  env: { S3_LOCAL_PORT: String(localS3Port(platform)), S3_LOCAL_DIR: '.local/s3', S3_BUCKET: LOCAL_S3_BUCKET },
  prefixColor: 'gray',
};

// Without SMTP_URL, messaging's email goes to a local sink with a web inbox.
const useMailSink = platform.mailMode === 'local';
const mailSink = {
  name: 'mail     ',
  command: 'node dist/tools/mail-sink/cli.js',
  env: { MAIL_SINK_SMTP_PORT: String(mailSinkPorts(platform).smtp), MAIL_SINK_WEB_PORT: String(mailSinkPorts(platform).web) },
  prefixColor: 'gray',
};

// Stand-ins first: the emulator must hold the plans' Prices before billing starts with their ids.
const standIns = [
  // Without STRIPE_SECRET_KEY, billing talks to the local Stripe emulator.
  ...(useEmulator ? [emulator] : []),
  ...(useLocalS3 ? [s3] : []),
  ...(useMailSink ? [mailSink] : []),
];
const local = standIns.length ? concurrently(standIns, { prefix: 'name', killOthersOn: ['failure'], restartTries: 0 }) : null;

/** Creates the plans' Products and Prices in the emulator (it forgets them on restart): billing's STRIPE_PRICE_* ids. */
async function emulatorPlanPrices(): Promise<Record<string, string>> {
  if (!useEmulator) return {};
  const deadline = Date.now() + 60_000;
  while (!(await ready(stripeEmulatorPort(platform), '/_emulator/health'))) {
    if (Date.now() > deadline) throw new Error('The Stripe emulator did not start within a minute');
    await new Promise((r) => setTimeout(r, 200));
  }
  return createPlanPrices(new Stripe(EMULATOR_API_KEY, { host: '127.0.0.1', port: stripeEmulatorPort(platform), protocol: 'http' }));
}

async function startServices(): Promise<void> {
  const prices = await emulatorPlanPrices();
  const { result } = concurrently(
    SERVICE_NAMES.map((service, i) => ({
      name: service.padEnd(9),
      command: `node dist/apps/${service}/src/main.js`,
      env: { ...serviceEnv(platform, service), ...(service === 'billing' ? prices : {}), LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
      prefixColor: colors[i],
    })),
    { prefix: 'name', killOthersOn: ['failure'], restartTries: 0 },
  );
  await result;
}

function ready(port: number, path = '/health/ready'): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Points the emulator's webhooks at billing, under the secrets billing was started with. */
async function registerEmulatorWebhooks(): Promise<void> {
  const control = new EmulatorControl(`http://127.0.0.1:${stripeEmulatorPort(platform)}`);
  const billing = `http://127.0.0.1:${servicePort(platform, 'billing')}`;
  await control.addWebhookEndpoint({ url: `${billing}/webhooks/stripe`, secret: EMULATOR_WEBHOOK_SECRETS.platform });
  await control.addWebhookEndpoint({ url: `${billing}/webhooks/stripe/connect`, connect: true, secret: EMULATOR_WEBHOOK_SECRETS.connect });
}

async function announceWhenReady(): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const states = await Promise.all([
      ...SERVICE_NAMES.map((s) => ready(servicePort(platform, s))),
      ...(useEmulator ? [ready(stripeEmulatorPort(platform), '/_emulator/health')] : []),
      ...(useLocalS3 ? [ready(localS3Port(platform), `/${LOCAL_S3_BUCKET}`)] : []),
      ...(useMailSink ? [ready(mailSinkPorts(platform).web, '/')] : []),
    ]);
    if (states.every(Boolean)) {
      if (useEmulator) await registerEmulatorWebhooks();
      const gateway = `http://127.0.0.1:${servicePort(platform, 'gateway')}`;
      const stripe = useEmulator ? `   Stripe emulator: http://127.0.0.1:${stripeEmulatorPort(platform)}` : '';
      const inbox = useMailSink ? `   Email inbox: http://127.0.0.1:${mailSinkPorts(platform).web}` : '';
      const s3Url = useLocalS3 ? `   Local S3: http://127.0.0.1:${localS3Port(platform)}/${LOCAL_S3_BUCKET}` : '';
      process.stdout.write(
        `\n  FPMS is up. Gateway: ${gateway}/api/v1   (health: ${gateway}/health/ready)${stripe}${s3Url}${inbox}   Ctrl-C stops everything.\n\n`,
      );
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  process.stdout.write('\n  Not every service became ready within 2 minutes; see the logs above.\n\n');
}

void announceWhenReady();
Promise.all([startServices(), local?.result]).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof Error) process.stderr.write(`${error.message}\n`);
    local?.commands.forEach((command) => command.kill());
    process.exit(process.exitCode && process.exitCode !== 0 ? process.exitCode : 1);
  },
);
