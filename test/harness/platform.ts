import { INestApplication } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { loadConfig } from '@fpms/common/config/load-config';
import { startServiceApp } from '@fpms/common/bootstrap/create-service-app';
import { createPinoLogger } from '@fpms/common/logging/logger';
import { Clock } from '@fpms/common/scheduling/clock';
import { ServiceName, SERVICE_NAMES } from '@fpms/database/service-names';
import { createBillingApp } from '../../apps/billing/src/billing-app';
import { billingEnvSchema } from '../../apps/billing/src/config';
import type { StripeEventHandler } from '../../apps/billing/src/webhooks/stripe-event-handler';
import { filesEnvSchema } from '../../apps/files/src/config';
import { createFilesApp } from '../../apps/files/src/files-app';
import { gatewayEnvSchema } from '../../apps/gateway/src/config';
import { createGatewayApp } from '../../apps/gateway/src/gateway-app';
import { messagingEnvSchema } from '../../apps/messaging/src/config';
import { createMessagingApp } from '../../apps/messaging/src/messaging-app';
import { workspaceEnvSchema } from '../../apps/workspace/src/config';
import { createWorkspaceApp } from '../../apps/workspace/src/workspace-app';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { createPlanPrices } from '../../tools/billing/plan-prices';
import { startStripeEmulator, type StripeEmulator } from '../../tools/stripe-emulator/src';
import { platformEnv, serviceEnv } from '../../tools/infra/platform-env';
import { provisionTopology } from '../../tools/infra/provision';
import { deleteVhost, ensureVhost } from '../../tools/infra/rabbitmq-vhost';
import type { QueueType } from '@fpms/messaging/queue-type';
import { cloneServiceDatabases } from '@fpms/testing/database-clones';
import { testAmqpUrl, uniqueName } from '@fpms/testing/env';
import { registerTestGateway, unregisterTestGateway } from '@fpms/testing/verified-emails';

export interface RunningPlatform {
  apps: Partial<Record<ServiceName, INestApplication>>;
  gatewayUrl: string;
  /** The platform's own broker vhost: tests that tap or fake the broker use this URL. */
  amqpUrl: string;
  /** Prefix of the platform's own databases (for connectServiceDb). */
  dbPrefix: string;
  vhost: string;
  /** The type of its durable queues (replicas started with shareWith use the same). */
  queueType: QueueType;
  /** Set when the platform runs on a private PostgreSQL (startPlatform's `postgres`). */
  postgres?: { host: string; port: number; dbPrefix: string };
  /**
   * With billing: the platform's own Stripe emulator, with billing's two webhook endpoints
   * registered (platform and Connect) under the secrets billing was started with.
   */
  stripe?: PlatformStripe;
  /** Stops one service (its RPC consumer goes away, as when its pods are down). */
  stop(service: ServiceName): Promise<void>;
  close(): Promise<void>;
}

function envFor(
  service: ServiceName,
  amqpUrl: string,
  dbPrefix: string,
  overrides: Record<string, string>,
  pg?: { host: string; port: number },
): NodeJS.ProcessEnv {
  const server = pg ? { PGHOST: pg.host, PGPORT: String(pg.port) } : {};
  // Port 0: the OS picks free ports, so parallel test files never collide.
  return {
    ...serviceEnv(platformEnv({ ...process.env, ...server, FPMS_DB_PREFIX: dbPrefix }), service),
    AMQP_URL: amqpUrl,
    HTTP_PORT: '0',
    LOG_LEVEL: process.env.TEST_SERVICE_LOG_LEVEL ?? 'error',
    // Tests judge behaviour, not speed (that is bench/'s job): CI runs many platforms on 2 cores, where
    // the services' 3 s default failed healthy calls. Tests about timeouts set their own.
    RPC_TIMEOUT_MS: '15000',
    ...overrides,
  };
}

export interface PlatformStripe {
  emulator: StripeEmulator;
  webhookEndpoints: { platform: string; connect: string };
  /** The signing secrets billing verifies with (replicas started with `shareWith` reuse them). */
  webhookSecrets: { platform: string; connect: string };
  /** Billing's Stripe environment (API address, key, secrets): a billing process started by a test uses it too. */
  billingEnv: Record<string, string>;
}

const webhookSecret = () => `whsec_${randomBytes(16).toString('hex')}`;

/** Test-only overrides handed to the app factories. */
export interface PlatformOverrides {
  /** The clock every service reads (review timers, expiries, purges, ...); a test moves it instead of sleeping. */
  clock?: Clock;
  /** Billing: Stripe event handlers added to the features' own (a test's probes). */
  stripeEventHandlers?: StripeEventHandler[];
}

type Builder = (env: NodeJS.ProcessEnv, logger: PinoLogger, overrides: PlatformOverrides) => Promise<INestApplication>;

const builders: Record<ServiceName, Builder> = {
  gateway: (env, logger, overrides) => createGatewayApp(loadConfig(gatewayEnvSchema, env), logger, overrides),
  workspace: (env, logger, overrides) => createWorkspaceApp(loadConfig(workspaceEnvSchema, env), logger, overrides),
  files: (env, logger, overrides) => createFilesApp(loadConfig(filesEnvSchema, env), logger, overrides),
  messaging: (env, logger, overrides) => createMessagingApp(loadConfig(messagingEnvSchema, env), logger, overrides),
  billing: (env, logger, overrides) => createBillingApp(loadConfig(billingEnvSchema, env), logger, overrides),
};

/** Collects a service's JSON log lines (for tests that assert what was logged). */
export type LogSink = (service: ServiceName, line: Record<string, unknown>) => void;

function loggerFor(service: ServiceName, level: string | undefined, sink?: LogSink): PinoLogger {
  if (!sink) return createPinoLogger(service, level);
  return createPinoLogger(service, level, { write: (line: string) => sink(service, JSON.parse(line)) });
}

/** Like a Kubernetes readiness gate: a service counts as started once /health/ready says so. */
async function waitUntilReady(service: ServiceName, app: INestApplication, timeoutMs = 20_000): Promise<void> {
  const { port } = app.getHttpServer().address() as { port: number };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${service} did not become ready within ${timeoutMs} ms (last status ${status})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts the services in this process against the test run's real databases (provisioned
 * by `npm test`), each as its own Nest application exactly as main.ts builds it. Each
 * platform gets a vhost of its own: RPC queues have fixed names, and two test files
 * running at once must not serve (or steal) each other's requests.
 */
export async function startPlatform(
  options: {
    services?: readonly ServiceName[];
    env?: Partial<Record<ServiceName, Record<string, string>>>;
    logSink?: LogSink;
    /** Run more replicas of another platform: same databases, vhost and Redis prefix. */
    shareWith?: RunningPlatform;
    /** Use databases already provisioned on another server (a private PostgreSQL) instead of clones. */
    postgres?: { host: string; port: number; dbPrefix: string };
    /** The type of every durable queue on the platform's vhost (AMQP_QUEUE_TYPE; default classic). */
    queueType?: QueueType;
  } & PlatformOverrides = {},
): Promise<RunningPlatform> {
  const services = options.services ?? SERVICE_NAMES;
  const shared = options.shareWith;
  const vhost = shared ? shared.vhost : uniqueName('fpms_e2e');
  // Rate-limit counters in Redis are per platform, so parallel test files (all calling
  // from 127.0.0.1) do not spend each other's budget.
  const redisPrefix = `${vhost}:`;
  if (!shared) await ensureVhost(vhost);
  const base = new URL(testAmqpUrl());
  base.pathname = `/${vhost}`;
  const amqpUrl = base.toString();
  // As provisioning does for a real vhost: queues exist before any service publishes.
  const queueType = shared?.queueType ?? options.queueType ?? 'classic';
  if (!shared) await provisionTopology(amqpUrl, undefined, queueType);
  const databases = shared
    ? { prefix: shared.dbPrefix, drop: async () => undefined }
    : options.postgres
      ? { prefix: options.postgres.dbPrefix, drop: async () => undefined }
      : await cloneServiceDatabases(services);
  const ownsInfra = !shared;
  // Billing talks to a Stripe emulator of the platform's own (replicas share it). Secrets are
  // chosen here, so billing starts with them before its endpoints are registered.
  const stripe = services.includes('billing')
    ? (shared?.stripe?.emulator ??
      (await startStripeEmulator({ port: 0, apiKeys: ['sk_test_fpms_platform'], webhooks: { timeoutMs: 30_000 } })))
    : undefined;
  const ownsStripe = stripe !== undefined && stripe !== shared?.stripe?.emulator;
  const secrets = shared?.stripe?.webhookSecrets ?? { platform: webhookSecret(), connect: webhookSecret() };
  // The plans' Products and Prices, created in the emulator before billing starts with their ids.
  const stripeEnv: Record<string, string> = shared?.stripe?.billingEnv
    ? shared.stripe.billingEnv
    : stripe
      ? {
          STRIPE_SECRET_KEY: stripe.apiKey,
          STRIPE_API_HOST: stripe.host,
          STRIPE_API_PORT: String(stripe.port),
          STRIPE_API_PROTOCOL: 'http',
          STRIPE_WEBHOOK_SECRETS: secrets.platform,
          STRIPE_CONNECT_WEBHOOK_SECRETS: secrets.connect,
          ...(await createPlanPrices(new Stripe(stripe.apiKey, { ...stripe.stripeConfig, maxNetworkRetries: 2 }))),
        }
      : {};
  const apps: Partial<Record<ServiceName, INestApplication>> = {};
  const stop = async (service: ServiceName) => {
    const app = apps[service];
    delete apps[service];
    await app?.close();
  };
  try {
    for (const service of services) {
      const env = envFor(
        service,
        amqpUrl,
        databases.prefix,
        {
          RATE_LIMIT_PREFIX: redisPrefix,
          // Test files sign up dozens of users from 127.0.0.1; rate-limit.e2e sets its own.
          RATE_LIMIT_SIGNUP_IP: '1000/60',
          // Owners' 2FA before payouts and refunds (issue 18) is the product default; suites about it opt in.
          ...(service === 'gateway' ? { OWNER_2FA_REQUIRED: 'false' } : {}),
          AMQP_QUEUE_TYPE: queueType,
          ...(service === 'billing' ? stripeEnv : {}),
          ...(options.env?.[service] ?? {}),
        },
        options.postgres ?? shared?.postgres,
      );
      const app = await builders[service](env, loggerFor(service, env.LOG_LEVEL, options.logSink), {
        clock: options.clock,
        stripeEventHandlers: options.stripeEventHandlers,
      });
      apps[service] = app;
      await startServiceApp(app, 0, '127.0.0.1');
      await waitUntilReady(service, app);
    }
  } catch (error) {
    for (const service of Object.keys(apps) as ServiceName[]) await stop(service).catch(() => undefined);
    if (ownsStripe) await stripe?.stop().catch(() => undefined);
    if (ownsInfra) await deleteVhost(vhost).catch(() => undefined);
    await databases.drop().catch(() => undefined);
    throw error;
  }
  const gateway = apps.gateway;
  const address = gateway ? (gateway.getHttpServer().address() as { port: number }) : undefined;
  let platformStripe: PlatformStripe | undefined = shared?.stripe;
  if (stripe && apps.billing && !platformStripe) {
    const billingUrl = `http://127.0.0.1:${(apps.billing.getHttpServer().address() as { port: number }).port}`;
    const platformEndpoint = await stripe.addWebhookEndpoint({ url: `${billingUrl}/webhooks/stripe`, secret: secrets.platform });
    const connectEndpoint = await stripe.addWebhookEndpoint({
      url: `${billingUrl}/webhooks/stripe/connect`,
      connect: true,
      secret: secrets.connect,
    });
    platformStripe = {
      emulator: stripe,
      webhookEndpoints: { platform: platformEndpoint.id, connect: connectEndpoint.id },
      webhookSecrets: secrets,
      billingEnv: stripeEnv,
    };
  }
  const gatewayUrl = address ? `http://127.0.0.1:${address.port}` : '';
  if (gatewayUrl) registerTestGateway(gatewayUrl, databases.prefix, options.postgres ?? shared?.postgres);
  return {
    apps,
    gatewayUrl,
    amqpUrl,
    vhost,
    queueType,
    dbPrefix: databases.prefix,
    postgres: options.postgres ?? shared?.postgres,
    stripe: platformStripe,
    stop,
    async close() {
      if (gatewayUrl) await unregisterTestGateway(gatewayUrl);
      // Gateway first, so no new calls reach services that are shutting down.
      for (const service of ['gateway', ...SERVICE_NAMES.filter((s) => s !== 'gateway')] as ServiceName[]) {
        await stop(service).catch(() => undefined);
      }
      if (ownsStripe) await stripe?.stop().catch(() => undefined);
      if (ownsInfra) await deleteVhost(vhost).catch(() => undefined);
      await databases.drop().catch(() => undefined);
    },
  };
}
