import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { WorkspaceEvents } from '@fpms/contracts';
import type { ServiceName } from '@fpms/database/service-names';
import { bearer, eventually, freePort, RunningPlatform, ServiceProcess, signUp, startPlatform, startServiceProcess } from '@fpms/harness';

/** A span as OTLP/HTTP JSON carries it (ids in hex, kind 1 internal … 5 consumer), with the service that sent it. */
interface OtlpSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: { stringValue?: string; intValue?: string | number } }>;
}
const KIND = { server: 2, client: 3, producer: 4, consumer: 5 } as const;
const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

/** The collector's side of OTLP/HTTP: every span posted as JSON to /v1/traces, with its resource's service.name. */
async function startOtlpReceiver(): Promise<{ server: Server; url: string; spans: OtlpSpan[] }> {
  const spans: OtlpSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || req.headers['content-type'] !== 'application/json') {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of body.resourceSpans ?? []) {
        const service = rs.resource?.attributes?.find((a: { key: string }) => a.key === 'service.name')?.value?.stringValue;
        for (const ss of rs.scopeSpans ?? []) for (const span of ss.spans ?? []) spans.push({ ...span, service });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans };
}

/**
 * OpenTelemetry switched on by the environment of real service processes (dist/, as
 * deployed), exporting to a local OTLP/HTTP receiver: a caller's traceparent on a workspace
 * creation is continued by the gateway's HTTP span, the RPC client and (workspace's) server
 * spans, the outbox publish and messaging's consumer of `workspace.workspace.created`, each
 * the parent of the next, all in the caller's trace. (Processes, not the in-process apps:
 * the exporter loads `http` with a dynamic import(), which Jest's CommonJS runtime refuses.)
 */
describe('tracing (OpenTelemetry, OTLP/HTTP)', () => {
  jest.setTimeout(180_000);
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let platform: RunningPlatform;
  const inTrace = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);
  const one = (traceId: string, service: string, kind: number, name: string | RegExp) =>
    inTrace(traceId).find(
      (s) => s.service === `fpms-${service}` && s.kind === kind && (typeof name === 'string' ? s.name === name : name.test(s.name)),
    );
  const traceparent = () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    return { traceId, callerSpanId, header: `00-${traceId}-${callerSpanId}-01` };
  };
  const processes: Partial<Record<ServiceName, ServiceProcess>> = {};
  let gatewayUrl: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    platform = await startPlatform({ services: ['gateway', 'workspace', 'messaging', 'billing'] });
    // Only the traced processes serve the RPCs and consume the queues (billing's on the platform's Stripe emulator).
    for (const service of ['workspace', 'messaging', 'billing'] as const) await platform.stop(service);
    const tracing = {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Export within a fraction of a second instead of the SDK's 5 s batches.
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    const port = await freePort();
    const [gateway, workspace, messaging, billing] = await Promise.all([
      startServiceProcess(
        platform,
        'gateway',
        { ...tracing, RATE_LIMIT_PREFIX: `${platform.vhost}:`, OWNER_2FA_REQUIRED: 'false', LOG_LEVEL: 'info' },
        { port },
      ),
      startServiceProcess(platform, 'workspace', { ...tracing, LOG_LEVEL: 'info' }),
      startServiceProcess(platform, 'messaging', tracing),
      startServiceProcess(platform, 'billing', tracing),
    ]);
    Object.assign(processes, { gateway, workspace, messaging, billing });
    gatewayUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const p of Object.values(processes)) await p?.kill();
    await platform?.close();
    await new Promise((r) => receiver?.server.close(r));
  });

  it('continues the caller’s trace from the HTTP request through the RPC to the event consumer, each span the parent of the next', async () => {
    const user = await signUp(platform.gatewayUrl);
    const { traceId, callerSpanId, header } = traceparent();
    const res = await request(gatewayUrl)
      .post('/api/v1/workspaces')
      .set(bearer(user.token))
      .set('traceparent', header)
      .send({ name: 'Traced' });
    expect(res.status).toBe(201);
    const requestId = res.headers['x-request-id'];

    const consumer = () => one(traceId, 'messaging', KIND.consumer, `${WorkspaceEvents.workspaceCreated} process`);
    await eventually('the consumer span exported', async () => consumer());

    const http = one(traceId, 'gateway', KIND.server, 'POST /api/v1/workspaces');
    const client = one(traceId, 'gateway', KIND.client, /^workspace\./);
    const server = client && one(traceId, 'workspace', KIND.server, client.name);
    const publish = one(traceId, 'workspace', KIND.producer, `${WorkspaceEvents.workspaceCreated} publish`);
    expect({ http: !!http, client: !!client, server: !!server, publish: !!publish }).toEqual({
      http: true,
      client: true,
      server: true,
      publish: true,
    });
    expect(http!.parentSpanId).toBe(callerSpanId);
    expect(client!.parentSpanId).toBe(http!.spanId);
    expect(server!.parentSpanId).toBe(client!.spanId);
    expect(publish!.parentSpanId).toBe(server!.spanId);
    expect(consumer()!.parentSpanId).toBe(publish!.spanId);
    expect(attribute(http!, 'http.response.status_code')).toBe(201);
    expect(attribute(consumer()!, 'messaging.destination.name')).toBe('messaging.events');
    for (const span of [http!, client!, server!, publish!, consumer()!]) expect(attribute(span, 'fpms.request_id')).toBe(requestId);

    // The workspace's log line of the RPC names its span: logs and traces join on the ids.
    const rpcLine = processes
      .workspace!.output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'rpc handled' && l.requestId === requestId);
    expect(rpcLine).toMatchObject({ traceId, spanId: server!.spanId });
  });

  it('puts billing’s Stripe calls under the RPC that made them', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Stripe caller');
    const { traceId, header } = traceparent();
    const res = await request(gatewayUrl).post('/api/v1/billing/connect/onboarding').set(bearer(owner.token)).set('traceparent', header);
    expect(res.status).toBe(200);

    const stripeCalls = () =>
      inTrace(traceId).filter((s) => s.service === 'fpms-billing' && s.kind === KIND.client && s.name.startsWith('stripe '));
    await eventually('the Stripe spans exported', async () => stripeCalls().find((s) => s.name === 'stripe POST /v1/account_links'));
    const client = one(traceId, 'gateway', KIND.client, /^billing\./);
    const server = client && one(traceId, 'billing', KIND.server, client.name);
    expect(server?.parentSpanId).toBe(client?.spanId);
    expect(stripeCalls().map((s) => s.name)).toEqual(expect.arrayContaining(['stripe POST /v1/accounts', 'stripe POST /v1/account_links']));
    for (const call of stripeCalls()) {
      expect(call.parentSpanId).toBe(server!.spanId);
      expect(attribute(call, 'http.response.status_code')).toBe(200);
    }
  });
});
