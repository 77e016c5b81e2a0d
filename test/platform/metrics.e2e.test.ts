import request from 'supertest';
import { ServiceName } from '@fpms/database/service-names';
import { bearer, eventually, RunningPlatform, signUp, startPlatform } from '@fpms/harness';
import { Reconciliation } from '../../apps/billing/src/reconciliation/reconciliation.service';
import { ConnectDriver, onlyStripeAccount } from '../billing/connect-support';
import { connectSocket } from '../messaging/realtime-client';

/** One scrape, parsed: the metric names declared (`# TYPE`) and every sample line. */
interface Scrape {
  names: Set<string>;
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

function parse(text: string): Scrape {
  const names = new Set<string>();
  const samples: Scrape['samples'] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) /.exec(line);
    if (type) names.add(type[1]);
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: sample[1], labels, value: Number(sample[3]) });
  }
  return { names, samples };
}

/** The sum of a metric's samples whose labels include `labels`. */
function total(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  return scrape.samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** What every service exposes (its HTTP, RPC server, outbox and the Node process). */
const EVERY_SERVICE = [
  'fpms_http_request_duration_seconds',
  'fpms_rpc_server_duration_seconds',
  'fpms_outbox_published_total',
  'fpms_outbox_failed_batches_total',
  'fpms_outbox_backlog',
  'fpms_outbox_oldest_unsent_age_seconds',
  'fpms_process_cpu_seconds_total',
  'fpms_nodejs_eventloop_lag_seconds',
];

/** An event consumer's series (the gateway's realtime fan-out is one too). */
const CONSUMER = [
  'fpms_events_consumed_total',
  'fpms_event_consumer_lag_seconds',
  'fpms_event_retries_total',
  'fpms_event_dead_lettered_total',
  'fpms_event_queue_depth',
  'fpms_dlq_depth',
];

const PER_SERVICE: Record<ServiceName, string[]> = {
  gateway: [
    ...CONSUMER,
    'fpms_rpc_client_duration_seconds',
    'fpms_rpc_client_timeouts_total',
    'fpms_rpc_client_unavailable_total',
    'fpms_socket_connections',
    'fpms_socket_connections_opened_total',
    'fpms_socket_connections_refused_total',
  ],
  workspace: [...CONSUMER, 'fpms_rpc_client_duration_seconds', 'fpms_timers_due_total'],
  files: [...CONSUMER],
  messaging: [...CONSUMER, 'fpms_emails_queued_total', 'fpms_emails_sent_total', 'fpms_email_outbox_pending'],
  billing: [
    ...CONSUMER,
    'fpms_webhooks_received_total',
    'fpms_webhooks_processed_total',
    'fpms_webhook_backlog',
    'fpms_webhook_processing_lag_seconds',
    'fpms_stripe_request_duration_seconds',
    'fpms_stripe_errors_total',
    'fpms_reconciliation_runs_total',
    'fpms_reconciliation_drift_total',
    'fpms_reconciliation_repaired_total',
    'fpms_reconciliation_left_for_human_total',
  ],
};

/**
 * GET /metrics on every service, as Prometheus scrapes it: each service answers its own
 * series in the text format, and the counters move when the platform does something.
 */
describe('Prometheus metrics', () => {
  let platform: RunningPlatform;

  const scrape = async (service: ServiceName): Promise<Scrape> => {
    const res = await request(platform.apps[service]!.getHttpServer()).get('/metrics');
    expect({ service, status: res.status, type: res.headers['content-type'] }).toEqual({
      service,
      status: 200,
      type: 'text/plain; version=0.0.4; charset=utf-8',
    });
    return parse(res.text);
  };

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('answers /metrics on every service with the metrics of what that service runs', async () => {
    for (const service of Object.keys(PER_SERVICE) as ServiceName[]) {
      const { names } = await scrape(service);
      const missing = [...EVERY_SERVICE, ...PER_SERVICE[service]].filter((name) => !names.has(name));
      expect({ service, missing }).toEqual({ service, missing: [] });
    }
    // Each service has its own registry: billing's webhook series are not the gateway's.
    expect((await scrape('gateway')).names.has('fpms_webhooks_received_total')).toBe(false);
    // Not part of the public API: /api/v1/metrics does not exist.
    expect((await request(platform.gatewayUrl).get('/api/v1/metrics')).status).toBe(404);
  });

  it('counts HTTP requests, RPC calls both sides, published and consumed events, and sockets', async () => {
    const before = { gateway: await scrape('gateway'), workspace: await scrape('workspace') };
    const user = await signUp(platform.gatewayUrl, 'Metrics');
    const created = await request(platform.gatewayUrl).post('/api/v1/workspaces').set(bearer(user.token)).send({ name: 'Measured' });
    expect(created.status).toBe(201);
    const missing = await request(platform.gatewayUrl)
      .get('/api/v1/workspaces/00000000-0000-4000-8000-000000000000')
      .set(bearer(user.token));
    expect(missing.status).toBe(404);

    const gateway = await scrape('gateway');
    // By route template and status, never by raw path.
    const route = { method: 'POST', route: '/api/v1/workspaces', status: '201' };
    expect(total(gateway, 'fpms_http_request_duration_seconds_count', route)).toBe(
      total(before.gateway, 'fpms_http_request_duration_seconds_count', route) + 1,
    );
    expect(total(gateway, 'fpms_http_request_duration_seconds_count', { route: '/api/v1/workspaces/:workspaceId', status: '404' })).toBe(
      total(before.gateway, 'fpms_http_request_duration_seconds_count', { route: '/api/v1/workspaces/:workspaceId', status: '404' }) + 1,
    );
    expect(gateway.samples.some((s) => s.labels.route?.includes('00000000-0000'))).toBe(false);
    const rpc = { pattern: 'workspace.workspaces.create', status: '200' };
    expect(total(gateway, 'fpms_rpc_client_duration_seconds_count', rpc)).toBeGreaterThan(
      total(before.gateway, 'fpms_rpc_client_duration_seconds_count', rpc),
    );

    const workspace = await scrape('workspace');
    const served = { pattern: 'workspace.workspaces.create', outcome: 'ok' };
    expect(total(workspace, 'fpms_rpc_server_duration_seconds_count', served)).toBe(
      total(before.workspace, 'fpms_rpc_server_duration_seconds_count', served) + 1,
    );
    // workspace.workspace.created goes out through the outbox and is consumed elsewhere.
    await eventually('the workspace service published its event', async () =>
      total(await scrape('workspace'), 'fpms_outbox_published_total') > total(before.workspace, 'fpms_outbox_published_total')
        ? true
        : null,
    );
    await eventually('some service consumed it', async () => {
      for (const service of ['messaging', 'files', 'billing', 'workspace'] as ServiceName[]) {
        const consumed = await scrape(service);
        if (total(consumed, 'fpms_events_consumed_total', { type: 'workspace.workspace.created', outcome: 'applied' }) > 0) return true;
      }
      return null;
    });

    // A password reset emails a link: the gateway's event reaches messaging, which queues the email.
    const emailsBefore = total(await scrape('messaging'), 'fpms_emails_queued_total', { template: 'security' });
    expect((await request(platform.gatewayUrl).post('/api/v1/auth/password-reset').send({ email: user.email })).status).toBe(202);
    await eventually('messaging queued the security email', async () =>
      total(await scrape('messaging'), 'fpms_emails_queued_total', { template: 'security' }) > emailsBefore ? true : null,
    );

    const socket = connectSocket(platform.gatewayUrl, user.token);
    try {
      await socket.ready;
      const open = await scrape('gateway');
      expect(total(open, 'fpms_socket_connections')).toBeGreaterThanOrEqual(1);
      expect(total(open, 'fpms_socket_connections_opened_total')).toBe(total(gateway, 'fpms_socket_connections_opened_total') + 1);
    } finally {
      socket.close();
    }
  });

  it('counts webhook deliveries, Stripe calls and reconciliation runs on billing', async () => {
    const before = await scrape('billing');
    const forged = await request(platform.apps.billing!.getHttpServer())
      .post('/webhooks/stripe')
      .set('Stripe-Signature', 't=1,v1=forged')
      .set('Content-Type', 'application/json')
      .send('{"id":"evt_forged","object":"event"}');
    expect(forged.status).toBe(400);

    const owner = await signUp(platform.gatewayUrl, 'Stripe caller');
    const onboarding = await request(platform.gatewayUrl).post('/api/v1/billing/connect/onboarding').set(bearer(owner.token));
    expect(onboarding.status).toBe(200);
    const run = await platform.apps.billing!.get(Reconciliation).run('cli');

    const after = await scrape('billing');
    const rejected = { source: 'platform', result: 'rejected' };
    expect(total(after, 'fpms_webhooks_received_total', rejected)).toBe(total(before, 'fpms_webhooks_received_total', rejected) + 1);
    // Creating the connected account and its onboarding link: Stripe calls, by route template.
    expect(total(after, 'fpms_stripe_request_duration_seconds_count', { method: 'POST', route: '/v1/accounts' })).toBeGreaterThan(
      total(before, 'fpms_stripe_request_duration_seconds_count', { method: 'POST', route: '/v1/accounts' }),
    );
    expect(after.samples.some((s) => s.name.startsWith('fpms_stripe_') && /acct_/.test(s.labels.route ?? ''))).toBe(false);
    expect(total(after, 'fpms_reconciliation_runs_total', { status: run.status })).toBe(
      total(before, 'fpms_reconciliation_runs_total', { status: run.status }) + 1,
    );

    // Stripe reports the finished onboarding with a signed `account.updated`: stored, then processed.
    const driver = new ConnectDriver(platform);
    await driver.setOnboarding(await onlyStripeAccount(driver, owner), 'complete');
    const stored = { source: 'connect', result: 'stored' };
    await eventually('the signed webhook stored and processed', async () => {
      const now = await scrape('billing');
      return total(now, 'fpms_webhooks_received_total', stored) > total(before, 'fpms_webhooks_received_total', stored) &&
        total(now, 'fpms_webhooks_processed_total', { outcome: 'processed' }) >
          total(before, 'fpms_webhooks_processed_total', { outcome: 'processed' })
        ? true
        : null;
    });
  });
});
