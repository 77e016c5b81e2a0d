/**
 * Entitlements read benchmark (not part of `npm test`): `npm run bench:entitlements`.
 *
 * Provisions its own workspace database (`fpms_bench_ent_workspace`, migrated), projects
 * entitlements for ACCOUNTS accounts through the real projection, and measures, in one
 * run, the read every enforcing request makes (`EntitlementsReader.forAccount`), each
 * sample for a random account:
 *  a. floor: an awaited no-op (what any async call costs the service);
 *  b. cached: the reader with a warm cache (the request path);
 *  c. uncached: the same reader with caching off — one primary-key read on the request's
 *     own open transaction (what a miss costs);
 *  d. own transaction: begin, set the tenant, the read, commit (a read with no request
 *     transaction to ride on).
 * Prints p50/p95/p99 (ms) and the ratios against the floor measured in this run.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { Entitlements, entitlementsChangedDataSchema, PLAN_FEATURE_SETS, PLAN_IDS, PLAN_LIMITS, PLATFORM_FEE_BPS } from '@fpms/contracts';
import { serviceDatabaseName, setTenantContext } from '@fpms/database';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { EntitlementsCache, EntitlementsReader, EntitlementsRepository } from '@fpms/platform/entitlements';
import { platformEnv } from '../tools/infra/platform-env';
import { dropDatabases, provisionDatabases } from '../tools/infra/provision';
import { latencyStats, LatencyStats } from './support/stats';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 100_000);
const DB_SAMPLES = Number(process.env.BENCH_DB_SAMPLES ?? 3_000);
const PREFIX = 'fpms_bench_ent';

async function measure(n: number, fn: (i: number) => Promise<unknown>): Promise<LatencyStats> {
  for (let i = 0; i < Math.min(1_000, n); i++) await fn(i);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    out[i] = Number(process.hrtime.bigint() - t) / 1e6;
  }
  return latencyStats(out);
}

const fmt = (ms: number) => (ms < 0.01 ? ms.toFixed(5) : ms.toFixed(3));

async function main(): Promise<void> {
  const platform = platformEnv({ ...process.env, FPMS_DB_PREFIX: PREFIX });
  await dropDatabases(platform, ['workspace']).catch(() => undefined);
  await provisionDatabases(platform, ['workspace']);
  const runtime = new DataSource({
    type: 'postgres',
    host: platform.pgHost,
    port: platform.pgPort,
    username: `${platform.rolePrefix}_workspace_app`,
    password: platform.rolePassword,
    database: serviceDatabaseName('workspace', PREFIX),
    extra: { max: 2 },
  });
  await runtime.initialize();
  try {
    const repository = new EntitlementsRepository();
    const tx = new TenantTransactions(runtime);
    const accounts = Array.from({ length: ACCOUNTS }, () => crypto.randomUUID());
    for (const [i, accountId] of accounts.entries()) {
      const plan = PLAN_IDS[i % PLAN_IDS.length];
      const data = entitlementsChangedDataSchema.parse({
        accountId,
        plan,
        standing: 'active',
        limits: PLAN_LIMITS[plan],
        features: PLAN_FEATURE_SETS[plan],
        platformFeeBps: PLATFORM_FEE_BPS[plan],
        pastDueSince: null,
        locksAt: null,
      });
      await tx.run({ accountId }, (m) => repository.apply(m, data, 1));
    }
    const pick = (i: number) => accounts[(i * 7919) % ACCOUNTS];
    const cached = new EntitlementsReader(new EntitlementsCache({ ttlMs: 3_600_000, maxEntries: ACCOUNTS }), repository);
    const uncached = new EntitlementsReader(new EntitlementsCache({ ttlMs: 0 }), repository);
    const value: Entitlements | null = null;

    // One open transaction as a request has; the tenant is re-set per sample (as each request's is).
    const results: Record<string, LatencyStats> = {};
    await runtime.transaction(async (em) => {
      const manager: TenantManager = await setTenantContext(em, { accountId: accounts[0] });
      for (let i = 0; i < ACCOUNTS; i++) await cached.forAccount(manager, accounts[i]); // warm, on any manager: hits never touch it
      results['a. floor: awaited no-op'] = await measure(SAMPLES, () => Promise.resolve(value));
      results['b. cached read (request path)'] = await measure(SAMPLES, (i) => cached.forAccount(manager, pick(i)));
      results['c. uncached: PK read on the open transaction'] = await measure(DB_SAMPLES, async (i) => {
        const accountId = pick(i);
        await setTenantContext(em, { accountId });
        return uncached.forAccount(manager, accountId);
      });
    });
    results['d. own transaction: begin, tenant, read, commit'] = await measure(DB_SAMPLES, (i) =>
      tx.run({ accountId: pick(i) }, (m) => repository.find(m, pick(i))),
    );

    const floor = results['a. floor: awaited no-op'].p50;
    process.stdout.write(`\nentitlements read, ${ACCOUNTS.toLocaleString('en')} accounts, random account per sample\n\n`);
    process.stdout.write('| what | n | p50 ms | p95 ms | p99 ms | p50 ÷ floor |\n|---|---|---|---|---|---|\n');
    for (const [what, s] of Object.entries(results)) {
      process.stdout.write(`| ${what} | ${s.n} | ${fmt(s.p50)} | ${fmt(s.p95)} | ${fmt(s.p99)} | ${(s.p50 / floor).toFixed(1)} |\n`);
    }
    const hit = results['b. cached read (request path)'];
    const miss = results['c. uncached: PK read on the open transaction'];
    process.stdout.write(
      `\ncached p99 ${fmt(hit.p99)} ms (target: well under 1 ms); a miss costs ${(miss.p50 / hit.p50).toFixed(0)}× a hit at p50\n`,
    );
  } finally {
    await runtime.destroy();
    if (!process.env.BENCH_KEEP) await dropDatabases(platform, ['workspace']).catch(() => undefined);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
