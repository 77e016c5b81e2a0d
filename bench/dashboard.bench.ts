/**
 * Dashboard benchmark (not part of `npm test`): `npm run bench:dashboard [-- --sizes 10000,1000000]`.
 *
 * For each size it provisions fresh databases (`fpms_bench_<size>_*`) and a vhost, starts
 * the gateway and the workspace service in this process, signs a user up through the API,
 * loads 10k workspaces with the dataset generator (bulk SQL), then measures:
 *  - the dashboard through the gateway: HTTP → RabbitMQ RPC → read model (workspace and account);
 *  - the read model's own SQL (the primary-key lookups the service runs);
 *  - the normalised join over source tables (milestones, money events, tasks, activity)
 *    computing the same numbers.
 * It prints p50/p95/p99 per measurement and the ratios the issue asks for.
 */
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ensureDevKeyPair } from '@fpms/auth/key-set';
import { startServiceApp } from '@fpms/common/bootstrap/create-service-app';
import { loadConfig } from '@fpms/common/config/load-config';
import { createPinoLogger } from '@fpms/common/logging/logger';
import { serviceDatabaseName, setTenantContext } from '@fpms/database';
import { gatewayEnvSchema } from '../apps/gateway/src/config';
import { createGatewayApp } from '../apps/gateway/src/gateway-app';
import { workspaceEnvSchema } from '../apps/workspace/src/config';
import { createWorkspaceApp } from '../apps/workspace/src/workspace-app';
import { DashboardRepository } from '../apps/workspace/src/dashboard/dashboard.repository';
import { generateDataset } from '../tools/dataset/generate-dataset';
import { platformEnv, serviceEnv } from '../tools/infra/platform-env';
import { dropDatabases, provisionDatabases } from '../tools/infra/provision';
import { deleteVhost, ensureVhost } from '../tools/infra/rabbitmq-vhost';
import { BUCKETS, MONEY_BUCKETS } from '../apps/workspace/src/dashboard/dashboard-contributions';
import { DUE_TRACKED_STATUSES } from '../apps/workspace/src/milestones/milestone-state-machine';

const WORKSPACES = 10_000;
const AGENCY_WORKSPACES = 100;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 3000);
const SQL_SAMPLES = Number(process.env.BENCH_SQL_SAMPLES ?? 500);

interface Stats {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  n: number;
}

function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  return { p50: q(50), p95: q(95), p99: q(99), mean: s.reduce((a, b) => a + b, 0) / s.length, n: s.length };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function measure(n: number, fn: (i: number) => Promise<unknown>, warmup = Math.min(200, n)): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await time(() => fn(i)));
  return stats(out);
}

const list = (xs: readonly string[]) => `(${xs.map((x) => `'${x}'`).join(', ')})`;

/**
 * The same numbers as the dashboard, from the normalised source tables, written to be
 * fast: one pass over the scope's milestones (materialised once, money state on the row),
 * open tasks, the activity log. `scope` selects the workspaces (one, or an account's).
 */
function joinQuery(scope: 'workspace' | 'account'): string {
  const ws = scope === 'workspace' ? `select $1::uuid as id` : `select id from workspaces where account_id = $1`;
  return `
  with ws as materialized (${ws}),
       ms as materialized (select m.* from milestones m where m.workspace_id in (select id from ws)),
       agg as (select currency, ${MONEY_BUCKETS.map((b) => `sum(${BUCKETS[b].sql}) as ${b}`).join(', ')} from ms group by currency),
       open_tasks as (select t.due_date from tasks t join task_statuses s on s.workspace_id = t.workspace_id and s.key = t.status
                       where t.workspace_id in (select id from ws) and s.category <> 'done' and t.due_date is not null)
  select
    (select json_object_agg(status, n) from (select status, count(*) as n from ms group by status) s) as by_status,
    (select json_agg(x) from (select * from agg) x) as money,
    (select count(*) from ms where due_date < $2 and status in ${list(DUE_TRACKED_STATUSES)}) as overdue_milestones,
    (select count(*) from open_tasks where due_date < $2) as overdue_tasks,
    (select min(d) from (select due_date as d from ms where due_date >= $2 and status in ${list(DUE_TRACKED_STATUSES)}
                         union all select due_date from open_tasks where due_date >= $2) z) as next_due,
    (select max(created_at) from activity_log where ${scope === 'workspace' ? 'workspace_id' : 'account_id'} = $1) as last_activity`;
}
const WORKSPACE_JOIN = joinQuery('workspace');
const ACCOUNT_JOIN = joinQuery('account');

/** The read model in one statement (the service issues the same lookups as three): like for like with the join. */
const WORKSPACE_READ_MODEL = `
  select d.*,
         (select json_agg(m) from workspace_dashboard_money m where m.workspace_id = $1) as money,
         (select json_build_object('overdue_milestones', coalesce(sum(open_count) filter (where kind = 'milestone' and due_date < $2), 0),
                                   'overdue_tasks', coalesce(sum(open_count) filter (where kind = 'task' and due_date < $2), 0),
                                   'next_due', min(due_date) filter (where due_date >= $2))
            from workspace_dashboard_due where workspace_id = $1) as due
    from workspace_dashboards d where d.workspace_id = $1`;
const ACCOUNT_READ_MODEL = WORKSPACE_READ_MODEL.replace(/workspace_dashboard/g, 'account_dashboard').replace(
  /workspace_id = \$1/g,
  'account_id = $1',
);

async function runSize(milestones: number): Promise<Record<string, Stats | number | string>> {
  const prefix = `fpms_bench_${milestones}`;
  const vhost = prefix;
  const amqpUrl = `amqp://guest:guest@${process.env.AMQP_HOST ?? '127.0.0.1'}:${process.env.AMQP_PORT ?? '5672'}/${vhost}`;
  const platform = platformEnv({ ...process.env, FPMS_DB_PREFIX: prefix, AMQP_URL: amqpUrl });
  process.stdout.write(`\n== ${milestones.toLocaleString('en')} milestones (${prefix}_*) ==\n`);
  ensureDevKeyPair(platform.keysDir, platform.activeKid);
  await dropDatabases(platform, ['gateway', 'workspace']).catch(() => undefined);
  await provisionDatabases(platform, ['gateway', 'workspace']);
  await ensureVhost(vhost);
  const logger = (s: string) => createPinoLogger(s, 'error');
  const apps: INestApplication[] = [];
  const admin = new DataSource({
    type: 'postgres',
    host: platform.pgHost,
    port: platform.pgPort,
    username: platform.adminUser,
    password: platform.adminPassword,
    database: serviceDatabaseName('workspace', prefix),
    extra: { max: 2 },
  });
  const runtime = new DataSource({
    type: 'postgres',
    host: platform.pgHost,
    port: platform.pgPort,
    username: `${platform.rolePrefix}_workspace_app`,
    password: platform.rolePassword,
    database: serviceDatabaseName('workspace', prefix),
    extra: { max: 2 },
  });
  try {
    const wsEnv = { ...serviceEnv(platform, 'workspace'), HTTP_PORT: '0', LOG_LEVEL: 'error', REVIEW_TIMER_POLL_MS: '0' };
    const gwEnv = { ...serviceEnv(platform, 'gateway'), HTTP_PORT: '0', LOG_LEVEL: 'error', RATE_LIMIT_PREFIX: `${prefix}:` };
    const workspace = await createWorkspaceApp(loadConfig(workspaceEnvSchema, wsEnv), logger('workspace'));
    apps.push(workspace);
    await startServiceApp(workspace, 0, '127.0.0.1');
    const gateway = await createGatewayApp(loadConfig(gatewayEnvSchema, gwEnv), logger('gateway'));
    apps.push(gateway);
    await startServiceApp(gateway, 0, '127.0.0.1');
    const base = `http://127.0.0.1:${(gateway.getHttpServer().address() as { port: number }).port}/api/v1`;
    await new Promise((r) => setTimeout(r, 1000));

    const email = `bench-${Date.now()}@example.test`;
    const password = 'correct horse battery staple';
    const signup = await fetch(`${base}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, name: 'Load Tester' }),
    });
    if (signup.status !== 201) throw new Error(`signup failed: ${signup.status} ${await signup.text()}`);
    const user = (await signup.json()) as { user: { id: string }; account: { id: string } };

    await admin.initialize();
    const started = Date.now();
    const generated = await generateDataset(admin, {
      accounts: 2_000,
      workspaces: WORKSPACES,
      milestones,
      payments: milestones,
      memberUserId: user.user.id,
      memberEmail: email,
      agencyAccountId: user.account.id,
      agencyWorkspaces: AGENCY_WORKSPACES,
      log: (line) => process.stdout.write(`${line}\n`),
    });
    const generateSeconds = (Date.now() - started) / 1000;
    process.stdout.write(`generated in ${generateSeconds.toFixed(1)} s: ${JSON.stringify(generated.counts)}\n`);

    // A fresh token: generation may outlast the first one.
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const auth = { authorization: `Bearer ${accessToken}` };
    const workspaceIds: string[] = (
      await admin.query(`select id from workspaces where account_id <> $1 order by md5(id::text) limit 1000`, [user.account.id])
    ).map((r: { id: string }) => r.id);
    const get = async (path: string) => {
      const res = await fetch(`${base}${path}`, { headers: auth });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    const today = new Date().toISOString().slice(0, 10);
    const [{ n: perWorkspace }] = await admin.query(`select (count(*)::float / count(distinct workspace_id))::int as n from milestones`);
    const [{ n: agencyMilestones }] = await admin.query(`select count(*)::int as n from milestones where account_id = $1`, [
      user.account.id,
    ]);

    const result: Record<string, Stats | number | string> = { milestones, perWorkspace, agencyMilestones, generateSeconds };
    result.gatewayWorkspace = await measure(SAMPLES, (i) => get(`/workspaces/${workspaceIds[i % workspaceIds.length]}/dashboard`));
    result.gatewayAccount = await measure(SAMPLES, () => get(`/accounts/${user.account.id}/dashboard`));

    await runtime.initialize();
    const repo = new DashboardRepository();
    const accounts: Record<string, string> = Object.fromEntries(
      (await admin.query(`select id, account_id from workspaces where id = any($1::uuid[])`, [workspaceIds])).map(
        (r: { id: string; account_id: string }) => [r.id, r.account_id],
      ),
    );
    // The read model exactly as the service reads it: runtime role, tenant set, RLS on.
    const readModelScoped = (workspaceId: string) =>
      runtime.transaction(async (tx) => {
        const m = await setTenantContext(tx, { accountId: accounts[workspaceId], workspaceId });
        return repo.workspace(m, workspaceId, accounts[workspaceId], today);
      });
    result.servicePathWorkspace = await measure(SQL_SAMPLES, (i) => readModelScoped(workspaceIds[i % workspaceIds.length]));
    result.sqlReadModelWorkspace = await measure(SQL_SAMPLES, (i) =>
      admin.query(WORKSPACE_READ_MODEL, [workspaceIds[i % workspaceIds.length], today]),
    );
    result.sqlJoinWorkspace = await measure(
      SQL_SAMPLES,
      (i) => admin.query(WORKSPACE_JOIN, [workspaceIds[i % workspaceIds.length], today]),
      50,
    );
    result.sqlReadModelAccount = await measure(SQL_SAMPLES, () => admin.query(ACCOUNT_READ_MODEL, [user.account.id, today]));
    result.servicePathAccount = await measure(SQL_SAMPLES, () =>
      runtime.transaction(async (tx) => {
        const m = await setTenantContext(tx, { accountId: user.account.id });
        return repo.account(m, user.account.id, today);
      }),
    );
    result.sqlJoinAccount = await measure(Math.min(SQL_SAMPLES, 200), () => admin.query(ACCOUNT_JOIN, [user.account.id, today]), 20);
    return result;
  } finally {
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    if (runtime.isInitialized) await runtime.destroy();
    if (admin.isInitialized) await admin.destroy();
    await deleteVhost(vhost).catch(() => undefined);
    if (!process.env.BENCH_KEEP) await dropDatabases(platform, ['gateway', 'workspace']).catch(() => undefined);
  }
}

const fmt = (s: Stats) => `p50 ${s.p50.toFixed(2)}  p95 ${s.p95.toFixed(2)}  p99 ${s.p99.toFixed(2)}  (n=${s.n})`;

async function main(): Promise<void> {
  const i = process.argv.indexOf('--sizes');
  const sizes = (i >= 0 ? process.argv[i + 1] : '10000,1000000').split(',').map(Number);
  const results: Array<Record<string, Stats | number | string>> = [];
  for (const size of sizes) results.push(await runSize(size));

  const lines: string[] = ['', '# Dashboard benchmark (milliseconds)', ''];
  for (const r of results) {
    lines.push(
      `## ${Number(r.milestones).toLocaleString('en')} milestones over ${WORKSPACES.toLocaleString('en')} workspaces (≈${r.perWorkspace} per workspace; agency account: ${AGENCY_WORKSPACES} workspaces, ${r.agencyMilestones} milestones; generated in ${Number(r.generateSeconds).toFixed(0)} s)`,
    );
    for (const key of [
      'gatewayWorkspace',
      'gatewayAccount',
      'servicePathWorkspace',
      'servicePathAccount',
      'sqlReadModelWorkspace',
      'sqlJoinWorkspace',
      'sqlReadModelAccount',
      'sqlJoinAccount',
    ]) {
      lines.push(`- ${key.padEnd(22)} ${fmt(r[key] as Stats)}`);
    }
    lines.push('');
  }
  if (results.length >= 2) {
    const [small, large] = [results[0], results[results.length - 1]];
    const ratio = (a: string, b: string, r1 = large, r2 = large) => ((r1[a] as Stats).p95 / (r2[b] as Stats).p95).toFixed(2);
    lines.push(
      "gateway* = HTTP → RMQ RPC → workspace service → read model; servicePath* = the service's read transaction (runtime role, RLS, 3 PK lookups);",
    );
    lines.push(
      'sqlReadModel* / sqlJoin* = one statement each on the same connection: read model vs normalised join over milestones, money events, tasks, activity.',
    );
    lines.push('');
    lines.push('## Ratios (p95)');
    lines.push(
      `- gateway workspace dashboard, ${large.milestones} vs ${small.milestones} milestones: ${ratio('gatewayWorkspace', 'gatewayWorkspace', large, small)}× (aim ≤ 1.2×)`,
    );
    lines.push(
      `- gateway account dashboard, ${large.milestones} vs ${small.milestones} milestones: ${ratio('gatewayAccount', 'gatewayAccount', large, small)}× (aim ≤ 1.2×)`,
    );
    lines.push(
      `- join ÷ read model, workspace dashboard, SQL, at ${large.milestones}: ${ratio('sqlJoinWorkspace', 'sqlReadModelWorkspace')}× (aim ≥ 20×)`,
    );
    lines.push(
      `- join ÷ read model, account dashboard, SQL, at ${large.milestones}: ${ratio('sqlJoinAccount', 'sqlReadModelAccount')}× (aim ≥ 20×)`,
    );
    lines.push(
      `- join ÷ service read path (with its transaction), workspace dashboard, at ${large.milestones}: ${ratio('sqlJoinWorkspace', 'servicePathWorkspace')}×`,
    );
    lines.push(
      `- join ÷ service read path (with its transaction), account dashboard, at ${large.milestones}: ${ratio('sqlJoinAccount', 'servicePathAccount')}×`,
    );
    lines.push(
      `- join (SQL only) ÷ full gateway round trip, account dashboard, at ${large.milestones}: ${ratio('sqlJoinAccount', 'gatewayAccount')}×`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
  process.stderr.write(`benchmark failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
