import { resolve } from 'node:path';
import { serviceDatabaseName, serviceRoles, ServiceName, SERVICE_NAMES } from '@fpms/database';
import type { QueueType } from '@fpms/messaging/queue-type';

/**
 * The settings shared by the whole local platform (one `npm start`, or one test run),
 * from which each service's own environment is derived.
 */
export interface PlatformEnv {
  pgHost: string;
  pgPort: number;
  adminUser: string;
  adminPassword: string;
  dbPrefix: string;
  rolePrefix: string;
  rolePassword: string;
  amqpUrl: string;
  /** RabbitMQ vhost to create (and, for test runs, delete); taken from amqpUrl's path. */
  vhost: string;
  portBase: number;
  keysDir: string;
  activeKid: string;
  stripeMode: 'stripe' | 'emulator';
  /** `external` when S3_BUCKET is set (AWS S3 or MinIO, S3_* passed through), otherwise the local s3rver. */
  s3Mode: 'external' | 'local';
  /** The S3_* variables of an external store, passed to the files service as they are. */
  s3External: Record<string, string>;
  /** The type of every durable queue (AMQP_QUEUE_TYPE: classic, or quorum for a broker cluster). */
  queueType: QueueType;
  /** Whether `provision-cli up` creates the vhost with rabbitmqctl (false where the broker or its operator does). */
  provisionVhost: boolean;
  /** The gateway's rate-limit store (REDIS_URL, or REDIS_HOST/REDIS_PORT as ensure-services.sh uses). */
  redisUrl: string;
  /** An external SMTP server; without one, `npm start` runs the local mail sink. */
  smtpUrl?: string;
  mailMode: 'external' | 'local';
}

export function platformEnv(env: NodeJS.ProcessEnv = process.env): PlatformEnv {
  const amqpUrl = env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672/fpms';
  const vhost = decodeURIComponent(new URL(amqpUrl).pathname.replace(/^\//, '')) || '/';
  return {
    pgHost: env.PGHOST ?? '127.0.0.1',
    pgPort: Number(env.PGPORT ?? 5432),
    adminUser: env.PG_ADMIN_USER ?? 'postgres',
    adminPassword: env.PG_ADMIN_PASSWORD ?? 'postgres',
    dbPrefix: env.FPMS_DB_PREFIX ?? 'fpms',
    rolePrefix: env.FPMS_ROLE_PREFIX ?? 'fpms',
    rolePassword: env.FPMS_DB_PASSWORD ?? 'fpms-local-only',
    amqpUrl,
    vhost,
    portBase: Number(env.FPMS_PORT_BASE ?? 3000),
    keysDir: resolve(env.JWT_KEYS_DIR ?? '.local/keys'),
    activeKid: env.JWT_ACTIVE_KID ?? 'dev-1',
    stripeMode: env.STRIPE_SECRET_KEY ? 'stripe' : 'emulator',
    s3Mode: env.S3_BUCKET ? 'external' : 'local',
    s3External: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('S3_') && e[1] !== undefined)),
    queueType: env.AMQP_QUEUE_TYPE === 'quorum' ? 'quorum' : 'classic',
    provisionVhost: env.FPMS_PROVISION_VHOST !== 'false',
    smtpUrl: env.SMTP_URL,
    mailMode: env.SMTP_URL ? 'external' : 'local',
    redisUrl: env.REDIS_URL ?? `redis://${env.REDIS_HOST ?? '127.0.0.1'}:${env.REDIS_PORT ?? '6379'}`,
  };
}

export function servicePort(platform: PlatformEnv, service: ServiceName): number {
  return platform.portBase + SERVICE_NAMES.indexOf(service);
}

/** The environment variables one service process is started with. */
export function serviceEnv(platform: PlatformEnv, service: ServiceName): Record<string, string> {
  const roles = serviceRoles(service, platform.rolePrefix);
  const env: Record<string, string> = {
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(servicePort(platform, service)),
    DB_HOST: platform.pgHost,
    DB_PORT: String(platform.pgPort),
    DB_NAME: serviceDatabaseName(service, platform.dbPrefix),
    DB_USER: roles.app,
    DB_PASSWORD: platform.rolePassword,
    DB_SYSTEM_USER: roles.system,
    DB_SYSTEM_PASSWORD: platform.rolePassword,
    AMQP_URL: platform.amqpUrl,
    AMQP_QUEUE_TYPE: platform.queueType,
    JWT_KEYS_DIR: platform.keysDir,
  };
  if (service === 'gateway') {
    env.JWT_ACTIVE_KID = platform.activeKid;
    env.REDIS_URL = platform.redisUrl;
    // Links in security emails (verification, password reset).
    env.APP_PUBLIC_URL = appPublicUrl(platform);
  }
  if (service === 'billing') Object.assign(env, stripeEnv(platform), { APP_PUBLIC_URL: appPublicUrl(platform) });
  if (service === 'files') Object.assign(env, s3Env(platform));
  if (service === 'messaging') Object.assign(env, mailEnv(platform));
  return env;
}

/** Where `npm start`'s local mail sink listens (SMTP, web inbox) when no SMTP_URL is configured. */
export function mailSinkPorts(platform: PlatformEnv): { smtp: number; web: number } {
  return { smtp: platform.portBase + 113, web: platform.portBase + 114 };
}

/**
 * Where links in emails and Stripe's return pages point: APP_PUBLIC_URL when set, otherwise this
 * platform's own gateway (so a platform on another FPMS_PORT_BASE links to itself, not to :3000).
 */
function appPublicUrl(platform: PlatformEnv): string {
  return process.env.APP_PUBLIC_URL ?? `http://127.0.0.1:${servicePort(platform, 'gateway')}`;
}

/** Messaging sends through SMTP_URL when set, otherwise into the local mail sink; links point at the gateway. */
function mailEnv(platform: PlatformEnv): Record<string, string> {
  const env: Record<string, string> = {
    SMTP_URL: platform.smtpUrl ?? `smtp://127.0.0.1:${mailSinkPorts(platform).smtp}`,
    APP_PUBLIC_URL: appPublicUrl(platform),
  };
  if (process.env.UNSUBSCRIBE_TOKEN_SECRET) env.UNSUBSCRIBE_TOKEN_SECRET = process.env.UNSUBSCRIBE_TOKEN_SECRET;
  return env;
}

/** Where the local Stripe emulator listens when no real Stripe key is configured. */
export function stripeEmulatorPort(platform: PlatformEnv): number {
  return platform.portBase + 111;
}

export const EMULATOR_API_KEY = 'sk_test_emulator';
/**
 * Webhook signing secrets of the local emulator's endpoints: `npm start` registers billing's
 * two endpoints with the emulator under these (the emulator forgets everything on restart).
 * Local only; real Stripe's secrets come from the Dashboard through the environment.
 */
export const EMULATOR_WEBHOOK_SECRETS = { platform: 'whsec_localplatformendpoint', connect: 'whsec_localconnectendpoint' };

/** Billing talks to real Stripe when STRIPE_SECRET_KEY is set, otherwise to the emulator. */
function stripeEnv(platform: PlatformEnv): Record<string, string> {
  if (platform.stripeMode === 'stripe') {
    const pass = ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRETS', 'STRIPE_CONNECT_WEBHOOK_SECRETS'] as const;
    return Object.fromEntries(pass.map((name) => [name, process.env[name] ?? '']));
  }
  return {
    STRIPE_SECRET_KEY: EMULATOR_API_KEY,
    STRIPE_API_HOST: '127.0.0.1',
    STRIPE_API_PORT: String(stripeEmulatorPort(platform)),
    STRIPE_API_PROTOCOL: 'http',
    STRIPE_WEBHOOK_SECRETS: EMULATOR_WEBHOOK_SECRETS.platform,
    STRIPE_CONNECT_WEBHOOK_SECRETS: EMULATOR_WEBHOOK_SECRETS.connect,
  };
}

/** Where the local S3 stand-in (s3rver) listens when no external store is configured. */
export function localS3Port(platform: PlatformEnv): number {
  return platform.portBase + 112;
}

export const LOCAL_S3_BUCKET = 'fpms-files';

/** The files service uses an external S3 store when S3_BUCKET is set, otherwise the local s3rver. */
function s3Env(platform: PlatformEnv): Record<string, string> {
  if (platform.s3Mode === 'external') return platform.s3External;
  return {
    S3_ENDPOINT: `http://127.0.0.1:${localS3Port(platform)}`,
    S3_REGION: 'us-east-1',
    S3_BUCKET: LOCAL_S3_BUCKET,
    // s3rver's one built-in key pair.
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: 'true',
  };
}
