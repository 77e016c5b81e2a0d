/**
 * Earnings report benchmark (not part of `npm test`): `npm run bench:earnings [-- --sizes 10000,1000000]`.
 *
 * Provisions a fresh billing database (`fpms_bench_earnings_*`), seeds one account per size with
 * that many ledger rows by SQL (orders over a year of days, 10 workspaces, 10 paying clients, EUR
 * and USD: each order a charge, a transfer and its platform fee, some refunded), fills the read
 * model with the migration's own backfill, then measures on the runtime role, in a tenant
 * transaction as the service runs it:
 *  - `floor` — the same transaction around `select 1` (what any tenant read costs at least);
 *  - `report` — the earnings report's read (EarningsRepository.sums, grouped by month, the whole
 *    year, both currencies) and the report built from it;
 *  - `ledgerScan` — the same per-month figures summed from `ledger_entries` (what the read model
 *    saves), for comparison.
 * It prints p50/p95/p99 per measurement and the ratios: the report against the floor, and the
 * largest size against the smallest (the report should stay flat while the scan grows).
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { serviceDatabaseName, setTenantContext } from '@fpms/database';
import { backfillEarnings } from '../apps/billing/migrations/1736100000000-earnings-read-model';
import { buildEarningsReport } from '../apps/billing/src/earnings/earnings-report';
import { EarningsRepository } from '../apps/billing/src/earnings/earnings.repository';
import { platformEnv } from '../tools/infra/platform-env';
import { dropDatabases, provisionDatabases } from '../tools/infra/provision';
import { latencyStats, LatencyStats } from './support/stats';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const WORKSPACES = 10;
const CLIENTS = 10;
const DAYS = 365;
const FROM = '2026-01-01';
const TO = '2026-12-31';

function sizesFromArgs(): number[] {
  const i = process.argv.indexOf('--sizes');
  const raw = i >= 0 ? process.argv[i + 1] : '10000,1000000';
  return raw.split(',').map((s) => Number(s.replace(/_/g, '')));
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function measure(n: number, fn: () => Promise<unknown>, warmup = Math.min(30, n)): Promise<LatencyStats> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await time(fn));
  return latencyStats(out);
}

const fmt = (s: LatencyStats) => `p50 ${s.p50.toFixed(2)}  p95 ${s.p95.toFixed(2)}  p99 ${s.p99.toFixed(2)}  (n=${s.n})`;

/**
 * One account's ledger: `rows` entries over orders of 4 entries on average (charge, transfer,
 * platform fee; every 4th order also refunded in part), spread over the year's days, workspaces,
 * clients and two currencies. Straight SQL (generate_series), the system role: the append-only
 * trigger refuses only UPDATE and DELETE.
 */
async function seed(db: DataSource, accountId: string, rows: number): Promise<void> {
  const orders = Math.ceil(rows / 3.25);
  await db.query(
    `insert into orders (id, account_id, workspace_id, milestone_id, amount, currency, status, charged, released, platform_fee, refunded,
                         version, client_user_id, kind, created_at, updated_at)
     select gen_random_uuid(), $1::uuid,
            ('00000000-0000-4000-8000-' || lpad((i % ${WORKSPACES})::text, 12, '0'))::uuid,
            gen_random_uuid(), a, case when i % 3 = 0 then 'USD' else 'EUR' end, 'released', a,
            a - r, ((a - r) / 100), r, 3,
            ('00000000-0000-4000-9000-' || lpad((i % ${CLIENTS})::text, 12, '0'))::uuid, 'escrow',
            d, d
       from (select i, 1000 + (i * 7919) % 100000 as a,
                    case when i % 4 = 0 then ((1000 + (i * 7919) % 100000) / 4) else 0 end as r,
                    timestamptz '${FROM}' + ((i % ${DAYS}) || ' days')::interval + interval '12 hours' as d
               from generate_series(1::bigint, $2::bigint) as i) g`,
    [accountId, orders],
  );
  await db.query(
    `insert into ledger_entries (id, order_id, account_id, workspace_id, kind, amount, currency, stripe_object_id, created_at)
     select gen_random_uuid(), o.id, o.account_id, o.workspace_id, k.kind, k.amount, o.currency, k.kind || '_' || o.id, o.created_at
       from orders o
       cross join lateral (values ('charge', o.charged), ('transfer', o.released - o.platform_fee), ('platform_fee', o.platform_fee),
                                  ('refund', o.refunded)) as k(kind, amount)
      where o.account_id = $1 and k.amount > 0`,
    [accountId],
  );
}

const LEDGER_SCAN = `
  select e.currency, to_char(e.created_at at time zone 'UTC', 'YYYY-MM') as key,
         sum(e.amount) filter (where e.kind = 'charge') as gross,
         sum(e.amount) filter (where e.kind = 'platform_fee') as fees,
         sum(e.amount) filter (where e.kind = 'refund') as refunds,
         sum(case when e.kind = 'transfer' then e.amount when e.kind = 'reversal' then -e.amount else 0 end) as net
    from ledger_entries e
   where e.account_id = $1 and e.created_at >= $2::date and e.created_at < $3::date + 1
   group by 1, 2 order by 1, 2`;

async function main() {
  const sizes = sizesFromArgs();
  const prefix = 'fpms_bench_earnings';
  const platform = platformEnv({ ...process.env, FPMS_DB_PREFIX: prefix, AMQP_URL: `amqp://guest:guest@127.0.0.1:5672/${prefix}` });
  await dropDatabases(platform, ['billing']).catch(() => undefined);
  await provisionDatabases(platform, ['billing']);
  const connect = (username: string) =>
    new DataSource({
      type: 'postgres',
      host: platform.pgHost,
      port: platform.pgPort,
      username,
      password: platform.rolePassword,
      database: serviceDatabaseName('billing', prefix),
      extra: { max: 2 },
    });
  const system = await connect(`${platform.rolePrefix}_billing_system`).initialize();
  const runtime = await connect(`${platform.rolePrefix}_billing_app`).initialize();
  const repository = new EarningsRepository();
  const out: string[] = ['# Earnings report benchmark (milliseconds)', ''];
  const results: Array<{ size: number; report: LatencyStats; scan: LatencyStats; floor: LatencyStats; dayRows: number }> = [];
  try {
    const accounts = new Map<number, string>();
    for (const size of sizes) {
      const accountId = (await system.query(`select gen_random_uuid() as id`))[0].id as string;
      accounts.set(size, accountId);
      const seconds = await time(() => seed(system, accountId, size));
      const [{ n }] = await system.query(`select count(*)::int as n from ledger_entries where account_id = $1`, [accountId]);
      process.stdout.write(`seeded ${n.toLocaleString('en')} ledger rows in ${(seconds / 1000).toFixed(1)} s\n`);
    }
    const backfill = await time(() => backfillEarnings(system));
    await system.query(`analyze`);
    process.stdout.write(`read model filled from the ledger (the migration's backfill) in ${(backfill / 1000).toFixed(1)} s\n`);

    for (const size of sizes) {
      const accountId = accounts.get(size)!;
      const inTenant = <T>(work: (m: Awaited<ReturnType<typeof setTenantContext>>) => Promise<T>) =>
        runtime.transaction(async (m) => work(await setTenantContext(m, { accountId })));
      const floor = await measure(SAMPLES, () => inTenant((m) => m.query('select 1')));
      const report = await measure(SAMPLES, () =>
        inTenant(async (m) =>
          buildEarningsReport(await repository.sums(m, accountId, { from: FROM, to: TO }, 'month'), {
            from: FROM,
            to: TO,
            groupBy: 'month',
          }),
        ),
      );
      const scan = await measure(
        Math.max(5, Math.floor(SAMPLES / 20)),
        () => inTenant((m) => m.query(LEDGER_SCAN, [accountId, FROM, TO])),
        2,
      );
      const [{ rows: dayRows }] = await system.query(`select count(*)::int as rows from earnings_daily where account_id = $1`, [accountId]);
      // The report equals the ledger (a sanity check, not a timing).
      const built = await inTenant(async (m) =>
        buildEarningsReport(await repository.sums(m, accountId, { from: FROM, to: TO }, 'month'), { from: FROM, to: TO, groupBy: 'month' }),
      );
      const [ledger] = await system.query(
        `select sum(amount)::bigint as gross from ledger_entries where account_id = $1 and kind = 'charge'`,
        [accountId],
      );
      const gross = built.currencies.reduce((s, c) => s + c.totals.gross, 0);
      if (gross !== Number(ledger.gross)) throw new Error(`report gross ${gross} ≠ ledger ${ledger.gross}`);
      results.push({ size, report, scan, floor, dayRows });
      out.push(`## ${size.toLocaleString('en')} ledger rows (read model: ${dayRows.toLocaleString('en')} day rows)`);
      out.push(`- floor       ${fmt(floor)}`);
      out.push(`- report      ${fmt(report)}`);
      out.push(`- ledgerScan  ${fmt(scan)}`);
      out.push(`- report p50 / floor p50: ${(report.p50 / floor.p50).toFixed(2)}`);
      out.push('');
    }
    if (results.length >= 2) {
      const small = results[0];
      const large = results[results.length - 1];
      out.push(`## Ratios, ${large.size.toLocaleString('en')} vs ${small.size.toLocaleString('en')} ledger rows (p50)`);
      out.push(`- report: ${(large.report.p50 / small.report.p50).toFixed(2)}`);
      out.push(
        `- report above its floor: ${((large.report.p50 - large.floor.p50) / Math.max(0.001, small.report.p50 - small.floor.p50)).toFixed(2)}`,
      );
      out.push(`- ledgerScan: ${(large.scan.p50 / small.scan.p50).toFixed(2)}`);
    }
    process.stdout.write(`\n${out.join('\n')}\n`);
  } finally {
    await runtime.destroy();
    await system.destroy();
    if (!process.env.BENCH_KEEP) await dropDatabases(platform, ['billing']).catch(() => undefined);
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
