/**
 * Webhook intake benchmark (not part of `npm test`): `npm run bench:webhooks`.
 * Environment: BENCH_EVENTS (5000), BENCH_CONCURRENCY (16 deliveries in flight), BENCH_WARMUP (300).
 *
 * Provisions fresh billing databases (`fpms_bench_webhooks_*`) and a vhost, starts the
 * billing service in this process exactly as main.ts builds it (plus one bench handler,
 * below), and measures, in one run on one database:
 *  - the pipeline: signed POSTs to `/webhooks/stripe` from a pool of concurrent clients
 *    (plain http, keep-alive) → signature check → event row committed → 2xx; the processor
 *    then applies each event (lock the event row, the handler's writes, the processed mark,
 *    one transaction) and the outbox relay publishes its event to RabbitMQ. Throughput is
 *    events / time from the first POST until every event is processed and every outbox row
 *    is sent; latency is the time to each 2xx;
 *  - the baseline: the same rows (same columns, same payload) stored by a bare
 *    `INSERT … ON CONFLICT (id) DO NOTHING`, one autocommit statement per event, from as
 *    many concurrent workers over as many connections as billing's system pool has.
 * It prints both rates, their ratio and the intake latency percentiles.
 *
 * The bench handler stands in for a feature's "apply" (none is on this branch yet; the
 * features' handlers do not take the bench's event type): it upserts an order row
 * (row lock, version + 1), appends a ledger row and writes `billing.milestone.funded` to
 * the outbox through the real OutboxWriter, all in the processing transaction.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import Stripe from 'stripe';
import { ensureDevKeyPair } from '@fpms/auth/key-set';
import { startServiceApp } from '@fpms/common/bootstrap/create-service-app';
import { loadConfig } from '@fpms/common/config/load-config';
import { createPinoLogger } from '@fpms/common/logging/logger';
import { BillingEvents } from '@fpms/contracts';
import { serviceDatabaseName } from '@fpms/database';
import { OutboxWriter } from '@fpms/messaging/events/outbox-writer';
import { createBillingApp } from '../apps/billing/src/billing-app';
import { billingEnvSchema } from '../apps/billing/src/config';
import type { StripeEventContext, StripeEventHandler } from '../apps/billing/src/webhooks/stripe-event-handler';
import { platformEnv, serviceEnv } from '../tools/infra/platform-env';
import { dropDatabases, provisionDatabases, provisionTopology } from '../tools/infra/provision';
import { deleteVhost, ensureVhost } from '../tools/infra/rabbitmq-vhost';
import type { LoadInput, LoadResult } from './webhook-load.worker';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);
const BENCH_TYPE = 'fpms_bench.order_paid';
const SECRET = 'whsec_benchbenchbenchbenchbench00';
const PREFIX = 'fpms_bench_webhooks';

interface BenchObject {
  id: string;
  amount_total: number;
  currency: string;
  metadata: { accountId: string; workspaceId: string; milestoneId: string; orderId: string };
  payment_intent: string;
}

/** The "apply" of a feature: order row under its lock, a ledger entry, an outbox event. */
class BenchApplyHandler implements StripeEventHandler {
  readonly eventTypes = [BENCH_TYPE];
  private readonly outbox = new OutboxWriter();

  async handle(event: Stripe.Event, { manager }: StripeEventContext): Promise<void> {
    const session = event.data.object as unknown as BenchObject;
    const { accountId, workspaceId, milestoneId, orderId } = session.metadata;
    const [order] = await manager.query(
      `insert into bench_orders (id, status, version) values ($1, 'paid', 1)
       on conflict (id) do update set status = 'paid', version = bench_orders.version + 1 returning version`,
      [orderId],
    );
    await manager.query(
      `insert into bench_ledger (order_id, kind, amount, currency, stripe_object_id, event_id) values ($1, 'charge', $2, $3, $4, $5)`,
      [orderId, session.amount_total, session.currency, session.payment_intent, event.id],
    );
    const currency = session.currency.toUpperCase();
    const money = {
      status: 'held' as const,
      currency,
      charged: session.amount_total,
      released: 0,
      platformFee: 0,
      refunded: 0,
      disputed: 0,
    };
    await this.outbox.add(manager, {
      type: BillingEvents.milestoneFunded,
      tenant: { accountId, workspaceId },
      aggregateId: milestoneId,
      aggregateVersion: Number(order.version),
      data: { milestoneId, workspaceId, orderId, money, amount: session.amount_total, currency, chargeId: session.payment_intent },
    });
  }
}

/** An event about the size and shape of a Checkout Session completion (≈2.5 KB). */
function benchEvent(): Stripe.Event {
  const id = () => randomUUID().replace(/-/g, '');
  const orderId = randomUUID();
  const object = {
    id: `cs_test_a1${id()}`,
    object: 'checkout.session',
    amount_subtotal: 125_000,
    amount_total: 125_000,
    currency: 'eur',
    customer: null,
    customer_details: { email: 'client@example.test', name: 'A. Client', address: { country: 'DE', postal_code: '10115' } },
    livemode: false,
    metadata: { accountId: randomUUID(), workspaceId: randomUUID(), milestoneId: randomUUID(), orderId },
    mode: 'payment',
    payment_intent: `pi_${id()}`,
    payment_status: 'paid',
    status: 'complete',
    success_url: 'http://127.0.0.1:3000/return?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://127.0.0.1:3000/cancel',
    url: null,
    expires_at: Math.floor(Date.now() / 1000) + 86_400,
    created: Math.floor(Date.now() / 1000),
    payment_method_types: ['card'],
    payment_intent_data: { transfer_group: randomUUID() },
    client_reference_id: orderId,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    automatic_tax: { enabled: false, liability: null, status: null },
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    phone_number_collection: { enabled: false },
    shipping_options: [],
    invoice_creation: { enabled: false, invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null } },
    consent_collection: null,
    locale: null,
    submit_type: null,
    subscription: null,
    ui_mode: 'hosted',
  };
  return {
    id: `evt_${id()}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: BENCH_TYPE,
  } as unknown as Stripe.Event;
}

interface Stats {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  n: number;
}

function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  return { p50: q(50), p95: q(95), p99: q(99), max: s[s.length - 1], n: s.length };
}

const fmt = (s: Stats) => `p50 ${s.p50.toFixed(2)}  p95 ${s.p95.toFixed(2)}  p99 ${s.p99.toFixed(2)}  max ${s.max.toFixed(2)}  (n=${s.n})`;

/** Runs `work(i)` for i < n with `concurrency` in flight. */
async function pool(n: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

/** Runs the load generator (webhook-load.worker.ts) on its own thread and waits for its report. */
function deliver(input: LoadInput): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'webhook-load.worker.js'), { workerData: input });
    worker.once('message', (result: LoadResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`load worker exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const vhost = PREFIX;
  const amqpUrl = `amqp://guest:guest@${process.env.AMQP_HOST ?? '127.0.0.1'}:${process.env.AMQP_PORT ?? '5672'}/${vhost}`;
  const platform = platformEnv({ ...process.env, FPMS_DB_PREFIX: PREFIX, AMQP_URL: amqpUrl });
  ensureDevKeyPair(platform.keysDir, platform.activeKid);
  await dropDatabases(platform, ['billing']).catch(() => undefined);
  await provisionDatabases(platform, ['billing']);
  await deleteVhost(vhost).catch(() => undefined);
  await ensureVhost(vhost);
  await provisionTopology(amqpUrl);
  const database = serviceDatabaseName('billing', PREFIX);
  const admin = new Pool({
    host: platform.pgHost,
    port: platform.pgPort,
    user: platform.adminUser,
    password: platform.adminPassword,
    database,
    max: 2,
  });
  let app: INestApplication | undefined;
  let baseline: Pool | undefined;
  try {
    const system = `${platform.rolePrefix}_billing_system`;
    await admin.query(`create table bench_orders (id uuid primary key, status text not null, version integer not null)`);
    await admin.query(`create table bench_ledger (id bigint generated always as identity primary key, order_id uuid not null, kind text not null,
                         amount bigint not null, currency text not null, stripe_object_id text not null, event_id text not null,
                         unique (stripe_object_id, kind))`);
    await admin.query(`create table bench_baseline_events (like stripe_webhook_events including all)`);
    await admin.query(`grant select, insert, update on bench_orders, bench_ledger, bench_baseline_events to ${system}`);

    const env = loadConfig(billingEnvSchema, {
      ...serviceEnv(platform, 'billing'),
      HTTP_PORT: '0',
      LOG_LEVEL: 'error',
      STRIPE_WEBHOOK_SECRETS: SECRET,
      HOUSEKEEPING_INTERVAL_SECONDS: '0',
      // What a deployment would tune: the pool and the processor (defaults unless set for the bench).
      ...Object.fromEntries(
        ['DB_POOL_SIZE', 'STRIPE_WEBHOOK_CONCURRENCY', 'STRIPE_WEBHOOK_BATCH_SIZE'].flatMap((k) =>
          process.env[k] ? [[k, process.env[k]!]] : [],
        ),
      ),
    });
    app = await createBillingApp(env, createPinoLogger('billing', 'error'), { stripeEventHandlers: [new BenchApplyHandler()] });
    await startServiceApp(app, 0, '127.0.0.1');
    const port = (app.getHttpServer().address() as { port: number }).port;
    const systemPool = Math.max(2, Math.ceil(env.DB_POOL_SIZE / 2));

    // Polled only once every delivery was answered (so every row exists), cheaply (partial and status indexes), every 20 ms.
    const settled = async () => {
      for (;;) {
        const { rows } = await admin.query(
          `select exists (select 1 from stripe_webhook_events where status in ('received', 'failed')) as open,
                  exists (select 1 from outbox_messages where sent_at is null) as unsent`,
        );
        if (!rows[0].open && !rows[0].unsent) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    const run = async (bodies: string[]) => {
      const started = process.hrtime.bigint();
      const result = await deliver({ port, path: '/webhooks/stripe', secret: SECRET, concurrency: CONCURRENCY, bodies });
      if (result.statuses['200'] !== bodies.length) throw new Error(`not every delivery answered 200: ${JSON.stringify(result.statuses)}`);
      return { latencies: result.latenciesMs, answered: result.elapsedMs / 1000, started };
    };

    const warmEvents = Array.from({ length: WARMUP }, () => JSON.stringify(benchEvent()));
    await run(warmEvents);
    await settled();

    const events = Array.from({ length: EVENTS }, benchEvent);
    const bodies = events.map((e) => JSON.stringify(e));
    const { latencies, answered, started } = await run(bodies);
    await settled();
    const total = Number(process.hrtime.bigint() - started) / 1e9;
    const [{ ledger }] = (await admin.query(`select count(*)::int as ledger from bench_ledger`)).rows;
    if (ledger !== WARMUP + EVENTS) throw new Error(`expected ${WARMUP + EVENTS} ledger rows, found ${ledger}`);

    // The baseline: the same rows, bare inserts, same concurrency over as many connections as billing's system pool.
    baseline = new Pool({
      host: platform.pgHost,
      port: platform.pgPort,
      user: system,
      password: platform.rolePassword,
      database,
      max: systemPool,
    });
    const insert = `insert into bench_baseline_events
                      (id, source, type, stripe_account_id, stripe_created_at, livemode, payload, status, next_attempt_at, received_at)
                    values ($1, 'platform', $2, $3, $4, $5, $6, 'received', now(), now()) on conflict (id) do nothing`;
    const store = async (body: string) => {
      const e = JSON.parse(body) as Stripe.Event;
      await baseline!.query(insert, [e.id, e.type, e.account ?? null, new Date(e.created * 1000), e.livemode, body]);
    };
    await pool(WARMUP, CONCURRENCY, (i) => store(warmEvents[i]));
    const baselineStarted = process.hrtime.bigint();
    await pool(EVENTS, CONCURRENCY, (i) => store(bodies[i]));
    const baselineSeconds = Number(process.hrtime.bigint() - baselineStarted) / 1e9;

    const pipelineRate = EVENTS / total;
    const intakeRate = EVENTS / answered;
    const baselineRate = EVENTS / baselineSeconds;
    const latency = stats(latencies);
    const lines = [
      '# Webhook intake benchmark',
      '',
      `events ${EVENTS} (after ${WARMUP} warm-up), ${CONCURRENCY} deliveries in flight, payload ≈${Math.round(bodies[0].length / 100) / 10} KB`,
      `billing: DB_POOL_SIZE ${env.DB_POOL_SIZE} (system pool ${systemPool}), processor concurrency ${env.STRIPE_WEBHOOK_CONCURRENCY}, batch ${env.STRIPE_WEBHOOK_BATCH_SIZE}`,
      '',
      `pipeline (signature + event row + 2xx, then apply: order row + ledger row + outbox, relay published)  ${pipelineRate.toFixed(0)} events/s  (${total.toFixed(2)} s)`,
      `  of which intake alone (all 2xx answered)                                                            ${intakeRate.toFixed(0)} events/s  (${answered.toFixed(2)} s)`,
      `baseline (bare INSERT … ON CONFLICT DO NOTHING, ${systemPool} connections)                                      ${baselineRate.toFixed(0)} events/s  (${baselineSeconds.toFixed(2)} s)`,
      `ratio pipeline / baseline  ${(pipelineRate / baselineRate).toFixed(2)}   (intake alone / baseline ${(intakeRate / baselineRate).toFixed(2)}; aim ≥ 0.5)`,
      '',
      `intake latency, time to the 2xx (ms): ${fmt(latency)}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await app?.close().catch(() => undefined);
    await baseline?.end().catch(() => undefined);
    await admin.end().catch(() => undefined);
    await dropDatabases(platform, ['billing']).catch(() => undefined);
    await deleteVhost(vhost).catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
