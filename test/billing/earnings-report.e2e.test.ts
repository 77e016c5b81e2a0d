import { randomUUID } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { BillingPaymentsRpc, PaymentView, platformFee, RpcContext } from '@fpms/contracts';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  eventually,
  grantPlan,
  inParallel,
  inviteAndJoin,
  onboardToConnect,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
} from '@fpms/harness';
import { backfillEarnings } from '../../apps/billing/migrations/1736100000000-earnings-read-model';
import { EarningsRecorder, RefundCause, UNKNOWN_CLIENT } from '../../apps/billing/src/earnings/earnings-recorder';
import { EarningsRepository } from '../../apps/billing/src/earnings/earnings.repository';
import { LedgerRepository } from '../../apps/billing/src/payments/ledger.repository';
import { Order, statusOf } from '../../apps/billing/src/payments/order';
import { CrossTenantOrdersRepository } from '../../apps/billing/src/payments/orders.repository';
import { splitRefundAfterRelease } from '../../apps/billing/src/refunds/refund-split';

type Figures = { gross: number; platformFees: number; refunds: number; disputes: number; net: number; inEscrow: number };
type Report = {
  currencies: Array<{
    currency: string;
    totals: Figures & { releases: number; averageDaysToRelease: number | null };
    groups: Array<Figures & { key: string }>;
  }>;
};

/**
 * The earnings report (`GET /api/v1/reports/earnings`) against real PostgreSQL, RabbitMQ and the
 * Stripe emulator. Its figures come from the read model billing updates with every money state,
 * in the transaction of the ledger entries; these cases check them against the ledger itself:
 * for money moved through the real paths (checkout, release, refunds before and after release),
 * and for a generated history of several hundred payments in two currencies, four workspaces and
 * four client groups, booked through billing's own ledger and recorder. CSV carries the same
 * figures; bad parameters answer the 400 envelope; nobody else sees an account's earnings.
 */
describe('billing: earnings report', () => {
  let platform: RunningPlatform;
  let billingDb: DataSource;
  let rpc: RpcClient;
  let owner: SignedUpUser;
  let generated: SignedUpUser;
  let other: SignedUpUser;
  const api = () => request(platform.gatewayUrl);
  const report = (user: { token: string }, query: string) => api().get(`/api/v1/reports/earnings?${query}`).set(bearer(user.token));
  const today = () => new Date().toISOString().slice(0, 10);
  const wholeYear = () => `from=${new Date(Date.now() - 300 * 86_400_000).toISOString().slice(0, 10)}&to=${today()}`;

  beforeAll(async () => {
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'billing'],
      env: { workspace: { DELIVERABLE_PINNING: 'off', REVIEW_TIMER_POLL_MS: '0' }, billing: { REFUND_POLL_MS: '0' } },
    });
    billingDb = await connectServiceDb('billing', 'system', platform.dbPrefix);
    rpc = new RpcClient({ url: platform.amqpUrl, timeoutMs: 20_000 });
    owner = await signUp(platform.gatewayUrl, 'Erin Earner');
    generated = await signUp(platform.gatewayUrl, 'Gene Rated');
    other = await signUp(platform.gatewayUrl, 'Other Tenant');
    await grantPlan(platform, owner.accountId, 'enterprise', ['workspace']);
    await onboardToConnect(platform.gatewayUrl, owner);
  });

  afterAll(async () => {
    await rpc?.close();
    await billingDb?.destroy();
    await platform?.close();
  });

  /** What the ledger (and, for the fee kept and escrow, the orders it belongs to) says, per currency and group. */
  async function fromLedger(accountId: string, group: 'currency' | 'workspace' | 'client'): Promise<Map<string, Figures>> {
    const key =
      group === 'currency'
        ? `o.currency`
        : group === 'workspace'
          ? `o.currency || ':' || o.workspace_id::text`
          : `o.currency || ':' || coalesce(o.client_user_id::text, 'unknown')`;
    const rows: Array<Record<string, string>> = await billingDb.query(
      `select ${key} as key,
              coalesce(sum(l.charge), 0) as gross, coalesce(sum(l.refund), 0) as refunded,
              coalesce(sum(l.transfer - l.reversal), 0) as net,
              sum(o.platform_fee) as fees, sum(o.charged - o.released - o.refunded) as escrow
         from orders o
         join lateral (
           select coalesce(sum(amount) filter (where kind = 'charge'), 0) as charge,
                  coalesce(sum(amount) filter (where kind = 'refund'), 0) as refund,
                  coalesce(sum(amount) filter (where kind = 'transfer'), 0) as transfer,
                  coalesce(sum(amount) filter (where kind = 'reversal'), 0) as reversal
             from ledger_entries where order_id = o.id
         ) l on true
        where o.account_id = $1 and o.charged > 0
        group by 1`,
      [accountId],
    );
    return new Map(
      rows.map((r) => [
        r.key,
        {
          gross: Number(r.gross),
          platformFees: Number(r.fees),
          // Refunds and disputes together are every refund entry (no chargebacks here).
          refunds: Number(r.refunded),
          disputes: 0,
          net: Number(r.net),
          inEscrow: Number(r.escrow),
        },
      ]),
    );
  }

  /** The report's figures keyed like fromLedger's (refunds + disputes folded, as the ledger has one refund kind). */
  function fromReport(body: Report, grouped: boolean): Map<string, Figures> {
    const out = new Map<string, Figures>();
    for (const c of body.currencies) {
      const rows = grouped ? c.groups.map((g) => [`${c.currency}:${g.key}`, g] as const) : [[c.currency, c.totals] as const];
      for (const [key, f] of rows)
        out.set(key, {
          gross: f.gross,
          platformFees: f.platformFees,
          refunds: f.refunds + f.disputes,
          disputes: 0,
          net: f.net,
          inEscrow: f.inEscrow,
        });
    }
    return out;
  }

  const sorted = (m: Map<string, Figures>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));

  it('follows money moved through the real paths: funding, release, refunds before and after release, in two currencies', async () => {
    const ws1 = (await createWorkspace(platform.gatewayUrl, owner, 'Studio one')).id;
    const ws2 = (await createWorkspace(platform.gatewayUrl, owner, 'Studio two')).id;
    const c1 = await inviteAndJoin(platform.gatewayUrl, owner, ws1, 'client_admin');
    const c2 = await inviteAndJoin(platform.gatewayUrl, owner, ws2, 'client_admin');

    async function funded(workspaceId: string, client: SignedUpUser, amount: number, currency: string) {
      const base = `/api/v1/workspaces/${workspaceId}/milestones`;
      const id = (await api().post(base).set(bearer(owner.token)).send({ title: 'Work', amount, currency })).body.id as string;
      await api().post(`${base}/${id}/propose`).set(bearer(owner.token)).send({});
      await api().post(`${base}/${id}/accept`).set(bearer(client.token)).send({});
      const ctx: RpcContext = {
        requestId: randomUUID(),
        userId: owner.userId,
        accountId: owner.accountId,
        workspaceId,
        token: owner.token,
      };
      const clientCtx: RpcContext = { ...ctx, userId: client.userId, accountId: client.accountId, token: client.token };
      await rpc.call(BillingPaymentsRpc.fund, { workspaceId, milestoneId: id }, clientCtx);
      const payment = (): Promise<PaymentView> => rpc.call(BillingPaymentsRpc.get, { workspaceId, milestoneId: id }, ctx);
      await platform.stripe!.emulator.control.completeCheckout((await payment()).stripe.checkoutSessionId as string, {
        outcome: 'success',
      });
      const status = async () => (await api().get(`${base}/${id}`).set(bearer(owner.token))).body.status as string;
      await eventually('funded', async () => (await status()) === 'funded');
      return {
        release: async () => {
          await api().post(`${base}/${id}/submit`).set(bearer(owner.token)).send({ deliverableFileVersionId: randomUUID() });
          expect((await api().post(`${base}/${id}/approve`).set(bearer(client.token)).send({})).status).toBe(200);
          await eventually('released', async () => (await payment()).release.status === 'released');
        },
        refund: async (amount: number) => {
          const res = await api().post(`${base}/${id}/refunds`).set(bearer(owner.token)).send({ amount });
          expect([res.status, res.body.status]).toEqual([201, 'succeeded']);
        },
      };
    }

    const m1 = await funded(ws1, c1, 10_000, 'EUR');
    await m1.release();
    const m2 = await funded(ws2, c2, 8_000, 'EUR');
    await m2.refund(2_000);
    await m2.release();
    await m2.refund(1_000);
    await funded(ws1, c1, 7_000, 'USD');

    const monthly = await report(owner, `${wholeYear()}&groupBy=month`);
    expect(monthly.status).toBe(200);
    expect(sorted(fromReport(monthly.body, false))).toEqual(sorted(await fromLedger(owner.accountId, 'currency')));
    const eur = (monthly.body as Report).currencies.find((c) => c.currency === 'EUR')!;
    const fee1 = platformFee(10_000, 'enterprise');
    expect(eur.totals).toMatchObject({ gross: 18_000, refunds: 3_000, disputes: 0, inEscrow: 0, releases: 2 });
    expect(eur.totals.net + eur.totals.platformFees).toBe(15_000);
    expect(eur.totals.platformFees).toBeGreaterThanOrEqual(fee1);
    // Released within the test: from submission to release takes well under a day.
    expect(eur.totals.averageDaysToRelease).toEqual(expect.any(Number));
    expect(eur.totals.averageDaysToRelease!).toBeLessThan(0.1);
    expect(eur.groups.map((g) => g.key)).toEqual([today().slice(0, 7)]);
    const usd = (monthly.body as Report).currencies.find((c) => c.currency === 'USD')!;
    expect(usd.totals).toMatchObject({ gross: 7_000, inEscrow: 7_000, net: 0, releases: 0, averageDaysToRelease: null });

    const byWorkspace = await report(owner, `${wholeYear()}&groupBy=workspace`);
    expect(sorted(fromReport(byWorkspace.body, true))).toEqual(sorted(await fromLedger(owner.accountId, 'workspace')));
    expect(new Set((byWorkspace.body as Report).currencies.flatMap((c) => c.groups.map((g) => g.key)))).toEqual(new Set([ws1, ws2]));
    // Grouped by the paying client: each client admin who paid through checkout.
    const byClient = await report(owner, `${wholeYear()}&groupBy=client`);
    expect(sorted(fromReport(byClient.body, true))).toEqual(sorted(await fromLedger(owner.accountId, 'client')));
    expect(new Set(eurGroups(byClient.body))).toEqual(new Set([c1.userId, c2.userId]));
    // Grouped by hourly work's member, task or week: milestone money is the one group `milestones`, with no hours.
    for (const groupBy of ['member', 'task', 'week']) {
      const byHours = (await report(owner, `${wholeYear()}&groupBy=${groupBy}`)).body as Report;
      expect(byHours.currencies.map((c) => [c.currency, c.groups.map((g) => g.key)])).toEqual(
        (monthly.body as Report).currencies.map((c) => [c.currency, ['milestones']]),
      );
      for (const c of byHours.currencies) {
        const month = (monthly.body as Report).currencies.find((m) => m.currency === c.currency)!;
        expect(c.totals).toEqual(month.totals);
        expect(c.groups[0]).toEqual({ key: 'milestones', ...month.totals });
        expect(c.totals).toMatchObject({ billedSeconds: 0, hours: 0 });
      }
    }

    // One currency only.
    const onlyUsd = await report(owner, `${wholeYear()}&currency=usd`);
    expect(onlyUsd.body).toMatchObject({ currency: 'USD' });
    expect((onlyUsd.body as Report).currencies.map((c) => c.currency)).toEqual(['USD']);
    // A period before any of it: nothing.
    expect((await report(owner, 'from=2020-01-01&to=2020-12-31')).body.currencies).toEqual([]);
  });

  function eurGroups(body: Report) {
    return body.currencies.find((c) => c.currency === 'EUR')!.groups.map((g) => g.key);
  }

  it('a generated history of 400 payments in two currencies, four workspaces and four client groups: every total equals the ledger', async () => {
    const billing = platform.apps.billing!;
    const system = billing.get<DataSource>(getDataSourceToken(SYSTEM_DATA_SOURCE));
    const ledger = billing.get(LedgerRepository);
    const recorder = billing.get(EarningsRecorder);
    const orders = billing.get(CrossTenantOrdersRepository);
    const accountId = generated.accountId;
    const workspaces = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const clients = [randomUUID(), randomUUID(), randomUUID(), null];
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
    const daysToRelease: number[] = [];
    const step = (orderId: string, change: (o: Order, m: Parameters<typeof ledger.append>[0]) => Promise<RefundCause | void>) =>
      systemTransaction(system, async (m) => {
        const order = (await orders.lockById(m, orderId))!;
        const cause = await change(order, m);
        order.status = statusOf(order, false);
        order.version += 1;
        await orders.save(m, order);
        await recorder.record(m, order, cause || 'refund');
      });

    await inParallel(
      Array.from({ length: 400 }, (_, i) => i),
      8,
      async (i) => {
        const id = randomUUID();
        const milestoneId = randomUUID();
        const workspaceId = pick(workspaces);
        const currency = i % 3 === 0 ? 'USD' : 'EUR';
        const amount = 1_000 + Math.floor(random() * 200_000);
        await billingDb.query(
          `insert into orders (id, account_id, workspace_id, milestone_id, amount, currency, kind, client_user_id)
           values ($1, $2, $3, $4, $5, $6, 'escrow', $7)`,
          [id, accountId, workspaceId, milestoneId, amount, currency, pick(clients)],
        );
        await step(id, async (o, m) => {
          o.charged = amount;
          await ledger.append(m, o, { kind: 'charge', amount, stripeObjectId: `ch_gen_${id}`, stripeEventId: null });
        });
        const roll = random();
        if (roll < 0.15) return; // held in escrow
        if (roll < 0.25) {
          // An in-app dispute's refund part: everything back to the client.
          await step(id, async (o, m) => {
            o.refunded = o.charged;
            await ledger.append(m, o, { kind: 'refund', amount: o.charged, stripeObjectId: `re_gen_${id}_d`, stripeEventId: null });
            // As the RefundExecutor leaves it: the refund row says the dispute decided it.
            await m.query(
              `insert into refunds (id, order_id, account_id, workspace_id, milestone_id, amount, currency, status, initiated_by, stripe_refund_id)
               values ($1, $2, $3, $4, $5, $6, $7, 'succeeded', 'dispute', $8)`,
              [randomUUID(), o.id, o.accountId, o.workspaceId, o.milestoneId, o.charged, o.currency, `re_gen_${id}_d`],
            );
            return 'dispute';
          });
          return;
        }
        if (roll < 0.45) {
          await step(id, async (o, m) => {
            const part = Math.floor(o.charged * 0.3);
            o.refunded += part;
            await ledger.append(m, o, { kind: 'refund', amount: part, stripeObjectId: `re_gen_${id}_1`, stripeEventId: null });
          });
        }
        const days = 1 + Math.floor(random() * 20);
        daysToRelease.push(days);
        await billingDb.query(
          `insert into milestone_activity (event_id, milestone_id, account_id, workspace_id, event_type, milestone_version, status, title,
                                           amount, currency, occurred_at)
           values ($1, $2, $3, $4, 'workspace.milestone.submitted', 3, 'submitted', 'Generated', $5, $6, now() - make_interval(days => $7))`,
          [randomUUID(), milestoneId, accountId, workspaceId, amount, currency, days],
        );
        let atRelease = { released: 0, fee: 0 };
        await step(id, async (o, m) => {
          const releasable = o.charged - o.refunded;
          const fee = platformFee(releasable, 'enterprise');
          o.released = releasable;
          o.platformFee = fee;
          atRelease = { released: releasable, fee };
          await ledger.append(m, o, { kind: 'transfer', amount: releasable - fee, stripeObjectId: `tr_gen_${id}`, stripeEventId: null });
          if (fee > 0)
            await ledger.append(m, o, { kind: 'platform_fee', amount: fee, stripeObjectId: `tr_gen_${id}`, stripeEventId: null });
        });
        if (random() < 0.3) {
          // Refunds after release, partial then (sometimes) the rest: the transfer reversed net of the fee share.
          for (const [n, share] of random() < 0.5
            ? [[1, 0.4]]
            : [
                [1, 0.25],
                [2, 1],
              ]) {
            await step(id, async (o, m) => {
              const refund = share === 1 ? o.released : Math.floor(o.released * share);
              const split = splitRefundAfterRelease({
                refund,
                released: o.released,
                platformFee: o.platformFee,
                releasedAtRelease: atRelease.released,
                feeAtRelease: atRelease.fee,
              });
              o.refunded += refund;
              o.released = split.releasedAfter;
              o.platformFee = split.feeAfter;
              await ledger.append(m, o, { kind: 'refund', amount: refund, stripeObjectId: `re_gen_${id}_r${n}`, stripeEventId: null });
              if (split.reversal > 0)
                await ledger.append(m, o, {
                  kind: 'reversal',
                  amount: split.reversal,
                  stripeObjectId: `trr_gen_${id}_${n}`,
                  stripeEventId: null,
                });
            });
          }
        }
      },
    );

    const [{ n }] = await billingDb.query(`select count(*)::int as n from ledger_entries where account_id = $1`, [accountId]);
    expect(n).toBeGreaterThan(1_000);

    const totals = await report(generated, `${wholeYear()}&groupBy=month`);
    expect(totals.status).toBe(200);
    expect(sorted(fromReport(totals.body, false))).toEqual(sorted(await fromLedger(accountId, 'currency')));
    for (const c of (totals.body as Report).currencies) {
      const t = c.totals;
      expect(t.gross).toBe(t.platformFees + t.refunds + t.disputes + t.net + t.inEscrow);
    }
    // In-app dispute refunds are reported as disputes, the rest as refunds; together they are the ledger's refunds.
    const [disputed] = await billingDb.query(
      `select coalesce(sum(amount), 0)::bigint as n from ledger_entries where account_id = $1 and kind = 'refund' and stripe_object_id like '%\\_d' escape '\\'`,
      [accountId],
    );
    const reported = (totals.body as Report).currencies.reduce((sum, c) => sum + c.totals.disputes, 0);
    expect(reported).toBe(Number(disputed.n));
    expect(reported).toBeGreaterThan(0);

    const byWorkspace = await report(generated, `${wholeYear()}&groupBy=workspace`);
    expect(sorted(fromReport(byWorkspace.body, true))).toEqual(sorted(await fromLedger(accountId, 'workspace')));
    const byClient = await report(generated, `${wholeYear()}&groupBy=client`);
    expect(sorted(fromReport(byClient.body, true))).toEqual(sorted(await fromLedger(accountId, 'client')));
    expect(new Set((byClient.body as Report).currencies.flatMap((c) => c.groups.map((g) => g.key)))).toContain('unknown');

    // Releases and the mean days from submission to release (kept as a sum and a count).
    const releases = (totals.body as Report).currencies.reduce((sum, c) => sum + c.totals.releases, 0);
    expect(releases).toBe(daysToRelease.length);
    const weighted = (totals.body as Report).currencies.reduce(
      (sum, c) => sum + c.totals.releases * (c.totals.averageDaysToRelease ?? 0),
      0,
    );
    expect(weighted / releases).toBeCloseTo(daysToRelease.reduce((a, b) => a + b, 0) / daysToRelease.length, 1);

    // CSV: the same figures, a line per group and a total per currency.
    const csv = await report(generated, `${wholeYear()}&groupBy=workspace&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="earnings-.*\.csv"/);
    const viaAccept = await api()
      .get(`/api/v1/reports/earnings?${wholeYear()}&groupBy=workspace`)
      .set(bearer(generated.token))
      .set('Accept', 'text/csv');
    expect(viaAccept.headers['content-type']).toMatch(/^text\/csv/);
    expect(viaAccept.text).toBe(csv.text);
    const [header, ...lines] = csv.text.trimEnd().split('\r\n');
    expect(header).toBe(
      'currency,group_by,group,gross,platform_fees,refunds,disputes,net,in_escrow,releases,average_days_to_release,billed_seconds,hours',
    );
    const json = byWorkspace.body as Report;
    const expected = json.currencies.flatMap((c) => [
      ...c.groups.map((g) => [c.currency, 'workspace', g.key, g.gross, g.platformFees, g.refunds, g.disputes, g.net, g.inEscrow]),
      [
        c.currency,
        'workspace',
        'total',
        c.totals.gross,
        c.totals.platformFees,
        c.totals.refunds,
        c.totals.disputes,
        c.totals.net,
        c.totals.inEscrow,
      ],
    ]);
    expect(lines.map((l) => l.split(',').slice(0, 9))).toEqual(expected.map((row) => row.map(String)));
    // JSON stays the default, and wins when asked for first.
    const jsonAccept = await api()
      .get(`/api/v1/reports/earnings?${wholeYear()}`)
      .set(bearer(generated.token))
      .set('Accept', 'application/json, text/csv;q=0.5');
    expect(jsonAccept.headers['content-type']).toMatch(/^application\/json/);

    // The read model holds one row per day, currency, workspace and client: far fewer than the ledger.
    const [{ rows }] = await billingDb.query(`select count(*)::int as rows from earnings_daily where account_id = $1`, [accountId]);
    expect(rows).toBeLessThanOrEqual(2 * workspaces.length * clients.length * 2);
    expect(UNKNOWN_CLIENT).toMatch(/^0{8}-/);
  });

  it('answers bad parameters with the 400 envelope, never a 500', async () => {
    const cases: Array<[string, string[]]> = [
      ['from=2026-03-01&to=2026-02-01', ['to']],
      ['from=2026-01-01&to=2026-12-31&groupBy=day', ['groupBy']],
      ['from=2026-01-01&to=2026-12-31&currency=EURO', ['currency']],
      ['from=2026-01-01&to=2026-12-31&currency=12', ['currency']],
      ['from=2026-02-30&to=2026-12-31', ['from']],
      ['to=2026-12-31', ['from']],
      ['from=2026-01-01', ['to']],
      ['from=2000-01-01&to=2026-12-31', ['to']],
      ['from=2026-01-01&to=2026-12-31&format=xml', ['format']],
      ['from=2026-01-01&to=2026-12-31&account=someone-else', ['account']],
    ];
    for (const [query, fields] of cases) {
      for (const accept of ['application/json', 'text/csv']) {
        const res = await report(owner, query).set('Accept', accept);
        expect([query, accept, res.status]).toEqual([query, accept, 400]);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.body.error).toMatchObject({ code: 'validation_failed', message: expect.any(String), requestId: expect.any(String) });
        expect([query, (res.body.error.details.fields as Array<{ field: string }>).map((f) => f.field).sort()]).toEqual([query, fields]);
      }
    }
    expect((await api().get('/api/v1/reports/earnings?from=2026-01-01&to=2026-01-31')).status).toBe(401);
  });

  it("isolation: another tenant, the owner's clients and a user without an account never see the account's earnings", async () => {
    const mine = await report(owner, wholeYear());
    expect(mine.body.currencies.length).toBeGreaterThan(0);
    const ownerWorkspaces = ((await report(owner, `${wholeYear()}&groupBy=workspace`)).body as Report).currencies.flatMap((c) =>
      c.groups.map((g) => g.key),
    );
    for (const user of [other, generated]) {
      const theirs = await report(user, `${wholeYear()}&groupBy=workspace`);
      expect(theirs.status).toBe(200);
      const keys = (theirs.body as Report).currencies.flatMap((c) => c.groups.map((g) => g.key));
      expect(keys.filter((k) => ownerWorkspaces.includes(k))).toEqual([]);
    }
    expect((await report(other, wholeYear())).body.currencies).toEqual([]);
    // A client admin of the owner's workspace reads their own account (empty), not the owner's.
    const ws = (await createWorkspace(platform.gatewayUrl, owner, 'Isolation')).id;
    const client = await inviteAndJoin(platform.gatewayUrl, owner, ws, 'client_admin');
    expect((await report(client, wholeYear())).body.currencies).toEqual([]);
    // A user who owns no account (signed up through an invitation, as a workspace's first client admin) is refused.
    const another = (await createWorkspace(platform.gatewayUrl, owner, 'Isolation two')).id;
    const invitation = await api()
      .post(`/api/v1/workspaces/${another}/invitations`)
      .set(bearer(owner.token))
      .send({ role: 'client_admin' });
    const invited = await api()
      .post(`/api/v1/invitations/${invitation.body.token}/signup`)
      .send({ email: `earnings-client-${Date.now()}@example.test`, password: 'client pass phrase', name: 'Client Co' });
    const denied = await report({ token: invited.body.accessToken }, wholeYear());
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: 'earnings_account_owner_required', requestId: expect.any(String) });
    const deniedCsv = await report({ token: invited.body.accessToken }, `${wholeYear()}&format=csv`);
    expect([deniedCsv.status, deniedCsv.headers['content-type']]).toEqual([403, expect.stringMatching(/^application\/json/)]);

    // Below the API: RLS hides the owner's rows from another tenant's transaction.
    const billing = platform.apps.billing!;
    const tx = billing.get(TenantTransactions);
    const repository = billing.get(EarningsRepository);
    const period = { from: '2000-01-01', to: '2100-01-01' };
    expect(await tx.run({ accountId: other.accountId }, (m) => repository.sums(m, owner.accountId, period, 'month'))).toEqual([]);
    expect(
      (await tx.run({ accountId: owner.accountId }, (m) => repository.sums(m, owner.accountId, period, 'month'))).length,
    ).toBeGreaterThan(0);
  });

  it("the migration's backfill, run over the same ledger, rebuilds exactly what the live recorder wrote", async () => {
    const reports = async () => {
      const out: Record<string, unknown> = {};
      for (const user of [owner, generated])
        for (const groupBy of ['month', 'workspace', 'client'])
          out[`${user.userId}:${groupBy}`] = (await report(user, `${wholeYear()}&groupBy=${groupBy}`)).body;
      return out;
    };
    const live = await reports();
    expect((live[`${generated.userId}:month`] as Report).currencies.length).toBe(2);
    await billingDb.transaction(async (m) => {
      await m.query(`delete from earnings_daily`);
      await m.query(`delete from earnings_order_state`);
      await backfillEarnings(m);
    });
    expect(await reports()).toEqual(live);
  });
});
