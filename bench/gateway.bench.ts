/**
 * Gateway hot-path benchmark (not part of `npm test`): `npm run bench:gateway [-- --no-profile]`.
 *
 * Provisions its own databases (`fpms_bench_gw_*`) and vhost, starts the gateway and the
 * workspace service as separate processes from dist/ (as `npm start` runs them, logging at
 * `info` to files under .local/bench/gateway), signs a user up, creates a workspace, and
 * measures at concurrency 1 and 64 in one run on the same broker and database:
 *  a. bare RPC: plain amqplib request/reply (direct reply-to, Nagle off) to an echo process — the floor;
 *  b. the gateway's no-op route, GET /health/live — the HTTP floor;
 *  c. the workspace service's read path alone: an RPC straight to workspace.rpc with a valid envelope;
 *  d. GET /api/v1/workspaces/:id through the gateway;
 *  e. GET /api/v1/workspaces/:id/dashboard through the gateway.
 * HTTP load comes from autocannon; RPC load from a closed loop of the same concurrency.
 * Each gets p50/p95/p99, req/s and the CPU milliseconds per request of the gateway and
 * workspace processes (/proc/<pid>/stat over the measured window ÷ requests).
 * Then, unless --no-profile, both services are restarted under `node --cpu-prof`, loaded
 * with (d) at concurrency 64, and the top self-time functions of each are printed.
 */
import 'reflect-metadata';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ensureDevKeyPair } from '@fpms/auth/key-set';
import { ServiceName } from '@fpms/database/service-names';
import { platformEnv, serviceEnv } from '../tools/infra/platform-env';
import { dropDatabases, provisionDatabases } from '../tools/infra/provision';
import { deleteVhost, ensureVhost } from '../tools/infra/rabbitmq-vhost';
import { AmqpRequester, closedLoop } from './support/amqp-requester';
import { summariseCpuProfile, ProfileSummary } from './support/cpu-profile-summary';
import { cpuSpentBetween, ownCpuMs, processCpuMs, processesCpuMs } from './support/process-cpu';
import { BenchProcess, httpReady, startProcess } from './support/service-process';
import { latencyStats, LatencyStats } from './support/stats';

const ROOT = join(__dirname, '..', '..', '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONCURRENCIES = [1, 64];
const PREFIX = 'fpms_bench_gw';
const OUT_DIR = join(ROOT, '.local', 'bench', 'gateway');
const ECHO_QUEUE = 'bench.echo';

interface Run {
  latencies: number[];
  errors: number;
}

interface Measurement {
  scenario: string;
  concurrency: number;
  latency: LatencyStats;
  rps: number;
  errors: number;
  gatewayCpuMsPerRequest: number;
  workspaceCpuMsPerRequest: number;
  /** All PostgreSQL processes, RabbitMQ, and this process (the load generator): shared, so other users' work counts too. */
  postgresCpuMsPerRequest: number;
  rabbitCpuMsPerRequest: number;
  driverCpuMsPerRequest: number;
}

function cpuNow(services: Services) {
  return {
    gw: processCpuMs(services.gateway.pid),
    ws: processCpuMs(services.workspace.pid),
    pg: processesCpuMs('postgres'),
    mq: processesCpuMs('beam.smp'),
    me: ownCpuMs(),
  };
}

interface Services {
  gateway: BenchProcess;
  workspace: BenchProcess;
}

async function httpLoad(url: string, connections: number, seconds: number, headers: Record<string, string> = {}): Promise<Run> {
  const latencies: number[] = [];
  let errors = 0;
  const instance = autocannon({ url, connections, duration: seconds, headers, timeout: 10 });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
    else errors++;
  });
  const result = await instance;
  return { latencies, errors: errors + result.errors };
}

async function measure(
  services: Services,
  scenario: string,
  concurrency: number,
  run: (seconds: number) => Promise<Run>,
): Promise<Measurement> {
  await run(WARMUP_SECONDS);
  const before = cpuNow(services);
  const started = performance.now();
  const { latencies, errors } = await run(SECONDS);
  const elapsed = (performance.now() - started) / 1000;
  const after = cpuNow(services);
  const requests = latencies.length + errors;
  const m: Measurement = {
    scenario,
    concurrency,
    latency: latencyStats(latencies),
    rps: requests / elapsed,
    errors,
    gatewayCpuMsPerRequest: (after.gw - before.gw) / requests,
    workspaceCpuMsPerRequest: (after.ws - before.ws) / requests,
    postgresCpuMsPerRequest: cpuSpentBetween(before.pg, after.pg) / requests,
    rabbitCpuMsPerRequest: cpuSpentBetween(before.mq, after.mq) / requests,
    driverCpuMsPerRequest: (after.me - before.me) / requests,
  };
  process.stdout.write(`  ${row(m)}\n`);
  return m;
}

const idleText = (idle: Record<string, number>) =>
  Object.entries(idle)
    .map(([k, v]) => `${k} ${f(v, 1)} ms/s`)
    .join(', ');
const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
function row(m: Measurement): string {
  return `| ${m.scenario} | ${m.concurrency} | ${f(m.latency.p50)} | ${f(m.latency.p95)} | ${f(m.latency.p99)} | ${f(m.rps, 0)} | ${f(m.gatewayCpuMsPerRequest, 3)} | ${f(m.workspaceCpuMsPerRequest, 3)} | ${f(m.postgresCpuMsPerRequest, 3)} | ${f(m.rabbitCpuMsPerRequest, 3)} | ${f(m.driverCpuMsPerRequest, 3)} | ${m.errors} |`;
}

async function startServices(amqpUrl: string, nodeArgs: string[] = []): Promise<Services> {
  const platform = platformEnv({ ...process.env, FPMS_DB_PREFIX: PREFIX, AMQP_URL: amqpUrl });
  const start = (service: ServiceName, extra: Record<string, string>) =>
    startProcess({
      root: ROOT,
      script: join('dist', 'apps', service, 'src', 'main.js'),
      nodeArgs,
      env: { ...serviceEnv(platform, service), AMQP_URL: amqpUrl, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', ...extra },
      logFile: join(OUT_DIR, `${service}.log`),
      ready: httpReady('/health/ready'),
    });
  const workspace = await start('workspace', {});
  const gateway = await start('gateway', { RATE_LIMIT_PREFIX: `${PREFIX}:` });
  return { gateway, workspace };
}

async function post<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const CREDENTIALS = { email: `bench-gw-${Date.now()}@example.test`, password: 'correct horse battery staple' };
const login = async (base: string) => (await post<{ accessToken: string }>(`${base}/auth/login`, CREDENTIALS)).accessToken;

/** CPU ms per second with no load: the services' background work, and what other users of the shared PostgreSQL/RabbitMQ add. */
async function idleCpu(services: Services): Promise<Record<'gateway' | 'workspace' | 'postgres' | 'rabbitmq', number>> {
  const before = cpuNow(services);
  await new Promise((r) => setTimeout(r, 3000));
  const after = cpuNow(services);
  return {
    gateway: (after.gw - before.gw) / 3,
    workspace: (after.ws - before.ws) / 3,
    postgres: cpuSpentBetween(before.pg, after.pg) / 3,
    rabbitmq: cpuSpentBetween(before.mq, after.mq) / 3,
  };
}

/** The load-window share of each service's CPU profile under (d) at concurrency 64. */
async function profile(amqpUrl: string, workspaceId: string): Promise<Record<'gateway' | 'workspace', ProfileSummary>> {
  const dir = join(OUT_DIR, 'profiles');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const services = await startServices(amqpUrl, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const base = `http://127.0.0.1:${services.gateway.port}/api/v1`;
  const headers = { authorization: `Bearer ${await login(base)}` };
  await httpLoad(`${base}/workspaces/${workspaceId}`, 64, WARMUP_SECONDS, headers);
  const loadStart = performance.now();
  await httpLoad(`${base}/workspaces/${workspaceId}`, 64, SECONDS, headers);
  const loadEnd = performance.now();
  const exits = { gateway: await services.gateway.stop(), workspace: await services.workspace.stop() };
  const files = readdirSync(dir);
  const summary = {} as Record<'gateway' | 'workspace', ProfileSummary>;
  for (const service of ['gateway', 'workspace'] as const) {
    const file = files.find((name) => name.includes(`.${services[service].pid}.`));
    if (!file) throw new Error(`no CPU profile for ${service} in ${dir}`);
    // The profile ends at exit: the load window is [exit − (exit − loadStart), exit − (exit − loadEnd)], trimmed 0.5 s each side.
    summary[service] = summariseCpuProfile(join(dir, file), {
      fromUsBeforeEnd: (exits[service] - loadStart - 500) * 1000,
      toUsBeforeEnd: (exits[service] - loadEnd + 500) * 1000,
    });
  }
  return summary;
}

function printProfile(service: string, s: ProfileSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)} %`;
  return [
    `### ${service} (${s.busySamples} busy samples in the load window)`,
    '',
    'By module (self time):',
    ...s.modules.map((m) => `- ${pct(m.share)}  ${m.name}`),
    '',
    'Top functions (self time):',
    ...s.functions.map((m) => `- ${pct(m.share)}  ${m.name}`),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  for (const service of ['gateway', 'workspace']) rmSync(join(OUT_DIR, `${service}.log`), { force: true });
  const vhost = PREFIX;
  const amqpUrl = `amqp://guest:guest@${process.env.AMQP_HOST ?? '127.0.0.1'}:${process.env.AMQP_PORT ?? '5672'}/${vhost}`;
  const platform = platformEnv({ ...process.env, FPMS_DB_PREFIX: PREFIX, AMQP_URL: amqpUrl });
  ensureDevKeyPair(platform.keysDir, platform.activeKid);
  await dropDatabases(platform, ['gateway', 'workspace']).catch(() => undefined);
  await deleteVhost(vhost).catch(() => undefined);
  await provisionDatabases(platform, ['gateway', 'workspace']);
  await ensureVhost(vhost);

  let services: Services | undefined;
  let echo: BenchProcess | undefined;
  let requester: AmqpRequester | undefined;
  try {
    services = await startServices(amqpUrl);
    const base = `http://127.0.0.1:${services.gateway.port}/api/v1`;
    const live = `http://127.0.0.1:${services.gateway.port}/health/live`;
    const signup = await post<{ user: { id: string }; account: { id: string } }>(`${base}/auth/signup`, {
      ...CREDENTIALS,
      name: 'Load Tester',
    });
    const token = await login(base);
    const workspace = await post<{ id: string }>(`${base}/workspaces`, { name: 'Bench workspace' }, token);
    const headers = { authorization: `Bearer ${token}` };

    echo = await startProcess({
      root: ROOT,
      script: join('dist', 'bench-build', 'bench', 'support', 'echo-responder.js'),
      args: [amqpUrl, ECHO_QUEUE],
      env: {},
      logFile: join(OUT_DIR, 'echo.log'),
      ready: async (_port, output) => output().includes('ready'),
    });
    requester = await AmqpRequester.connect(amqpUrl);
    const rq = requester;
    const echoBody = Buffer.from(JSON.stringify({ pattern: 'bench.echo', data: { ctx: {}, data: {} }, id: '1' }));
    const servicePath = (seconds: number, concurrency: number): Promise<Run> => {
      let errors = 0;
      let n = 0;
      const ctx = { userId: signup.user.id, accountId: signup.account.id, workspaceId: workspace.id, token };
      return closedLoop(concurrency, seconds, async () => {
        const requestId = `bench-${++n}`;
        const body = Buffer.from(
          JSON.stringify({
            pattern: 'workspace.workspaces.get',
            data: { ctx: { requestId, ...ctx }, data: { workspaceId: workspace.id } },
            id: requestId,
          }),
        );
        const reply = JSON.parse((await rq.request('workspace.rpc', body, { 'x-request-id': requestId })).toString()) as { err?: unknown };
        if (reply.err) errors++;
      }).then((latencies) => ({ latencies, errors }));
    };

    const idle = await idleCpu(services);
    process.stdout.write(`\nidle CPU: ${idleText(idle)}\n\n`);
    const header =
      '| what | c | p50 ms | p95 ms | p99 ms | req/s | gateway CPU ms/req | workspace CPU ms/req | postgres CPU ms/req | rabbitmq CPU ms/req | load generator CPU ms/req | errors |';
    process.stdout.write(`  ${header}\n`);
    const results: Measurement[] = [];
    const s = services;
    for (const c of CONCURRENCIES) {
      results.push(
        await measure(s, 'a. bare RPC (amqplib echo)', c, async (sec) => ({
          latencies: await closedLoop(c, sec, () => rq.request(ECHO_QUEUE, echoBody).then(() => undefined)),
          errors: 0,
        })),
      );
    }
    for (const c of CONCURRENCIES) results.push(await measure(s, 'b. gateway GET /health/live', c, (sec) => httpLoad(live, c, sec)));
    for (const c of CONCURRENCIES) results.push(await measure(s, 'c. workspace read path (RPC)', c, (sec) => servicePath(sec, c)));
    for (const c of CONCURRENCIES) {
      results.push(
        await measure(s, 'd. gateway GET /workspaces/:id', c, (sec) => httpLoad(`${base}/workspaces/${workspace.id}`, c, sec, headers)),
      );
    }
    for (const c of CONCURRENCIES) {
      results.push(
        await measure(s, 'e. gateway GET /workspaces/:id/dashboard', c, (sec) =>
          httpLoad(`${base}/workspaces/${workspace.id}/dashboard`, c, sec, headers),
        ),
      );
    }

    const total = (m: Measurement) =>
      m.gatewayCpuMsPerRequest + m.workspaceCpuMsPerRequest + m.postgresCpuMsPerRequest + m.rabbitCpuMsPerRequest + m.driverCpuMsPerRequest;
    const get = (prefix: string, c: number) => results.find((r) => r.scenario.startsWith(prefix) && r.concurrency === c)!;
    const [bare1, bare64, live64, path1, ws1, ws64, dash64] = [
      get('a.', 1),
      get('a.', 64),
      get('b.', 64),
      get('c.', 1),
      get('d.', 1),
      get('d.', 64),
      get('e.', 64),
    ];
    const lines = [
      '',
      `# Gateway hot path (${SECONDS} s per measurement after ${WARMUP_SECONDS} s warm-up; idle CPU: ${idleText(idle)})`,
      '',
      header,
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...results.map(row),
      '',
      '## Ratios and aims',
      `- GET /workspaces/:id c=64 throughput ÷ /health/live c=64: ${f(ws64.rps / live64.rps)}× (aim ≥ 0.5×)`,
      `- GET /workspaces/:id c=64 p99: ${f(ws64.latency.p99)} ms (aim < 100 ms)`,
      `- GET /workspaces/:id c=1 p50 − (bare RPC p50 + service read path p50): ${f(ws1.latency.p50 - bare1.latency.p50 - path1.latency.p50)} ms (aim ≤ 1 ms)`,
      `- GET /workspaces/:id CPU per request, c=64: gateway ${f(ws64.gatewayCpuMsPerRequest, 3)} ms (aim ≤ 0.5), workspace ${f(ws64.workspaceCpuMsPerRequest, 3)} ms (aim ≤ 0.7); c=1: gateway ${f(ws1.gatewayCpuMsPerRequest, 3)}, workspace ${f(ws1.workspaceCpuMsPerRequest, 3)}`,
      `- GET /workspaces/:id c=64, CPU per request summed over gateway, workspace, PostgreSQL, RabbitMQ and the load generator: ${f(total(ws64), 3)} ms, i.e. at most ${f((cpus().length * 1000) / total(ws64), 0)} req/s on this machine's ${cpus().length} cores (/health/live: ${f(total(live64), 3)} ms)`,
      `- GET /workspaces/:id c=64 throughput ÷ bare RPC c=64: ${f(ws64.rps / bare64.rps)}×; dashboard ÷ /health/live c=64: ${f(dash64.rps / live64.rps)}×`,
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    writeFileSync(join(OUT_DIR, `results-${Date.now()}.json`), JSON.stringify({ idle, results }, null, 2));

    if (!process.argv.includes('--no-profile')) {
      await services.gateway.stop();
      await services.workspace.stop();
      services = undefined;
      const summary = await profile(amqpUrl, workspace.id);
      const text = [
        '## CPU profiles under GET /workspaces/:id at c=64',
        '',
        printProfile('gateway', summary.gateway),
        printProfile('workspace', summary.workspace),
      ];
      process.stdout.write(`${text.join('\n')}\n`);
    }
  } finally {
    await requester?.close();
    await echo?.stop();
    if (services) {
      await services.gateway.stop();
      await services.workspace.stop();
    }
    await deleteVhost(vhost).catch(() => undefined);
    if (!process.env.BENCH_KEEP) await dropDatabases(platform, ['gateway', 'workspace']).catch(() => undefined);
  }
}

main().catch((error) => {
  process.stderr.write(`benchmark failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
