import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventEnvelope } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { MutableClock, RunningPlatform } from '@fpms/harness';
import { DashboardProjectionRepository } from '../../apps/workspace/src/dashboard/dashboard-projection.repository';
import { CrossTenantDashboardRebuildRepository } from '../../apps/workspace/src/dashboard/dashboard-rebuild.repository';
import { BillingEventsSubscriber } from '../../apps/workspace/src/milestones/billing-events.subscriber';
import { factsOf } from '../../apps/workspace/src/milestones/milestone-lifecycle';
import { MilestonesRepository } from '../../apps/workspace/src/milestones/milestones.repository';
import { AMOUNT, MilestoneRef, mulberry32, permutations, SCENARIOS, scenarioEvents } from './billing-events-scenarios';
import { accountRows, BillingPublisher, Engagement, milestoneApi, MilestoneWorld, startMilestoneWorld, waitForInbox } from './support';

const dashboardRebuild = new CrossTenantDashboardRebuildRepository();

/**
 * The final state never depends on the order billing's events arrive in: every ordering
 * (with duplicates and re-emissions) of realistic sequences ends where in-order delivery
 * ends, in the milestone and in the dashboards.
 */
describe('billing events in any order', () => {
  const clock = new MutableClock('2030-09-01T12:00:00Z');
  let platform: RunningPlatform;
  let billing: BillingPublisher;
  let system: DataSource;
  let e: Engagement;
  let ms: ReturnType<typeof milestoneApi>;
  let world: MilestoneWorld;

  beforeAll(async () => {
    world = await startMilestoneWorld(clock);
    ({ platform, billing, system, e, ms } = world);
  });

  afterAll(async () => {
    await world?.close();
  });

  const names = Object.keys(SCENARIOS);
  /** Distinct currencies per scenario and per delivery kind, so dashboard rows can be compared. */
  const currency = (kind: 'I' | 'P' | 'D' | 'O', scenario: string) =>
    `${kind}${String.fromCharCode(65 + Math.floor(names.indexOf(scenario) / 26))}${String.fromCharCode(65 + (names.indexOf(scenario) % 26))}`;

  /** A milestone waiting for its checkout (funding), through the API. */
  async function funding(cur: string): Promise<MilestoneRef> {
    const created = await ms.create(e.freelancer, { title: 'Order', amount: AMOUNT, currency: cur });
    expect(created.status).toBe(201);
    for (const [who, route] of [
      [e.freelancer, 'propose'],
      [e.client, 'accept'],
      [e.client, 'fund'],
    ] as const) {
      expect((await ms.act(who, created.body.id, route)).status).toBe(200);
    }
    return { id: created.body.id, amount: AMOUNT, currency: cur, workspaceId: e.workspaceId, accountId: e.accountId };
  }

  /** What users and the next event see of a milestone. */
  async function finalState(id: string) {
    const view = (await ms.get(e.client, id)).body;
    const [row] = await system.query(`select work_status, billing_version::int, dispute_opened_by from milestones where id = $1`, [id]);
    return { status: view.status, money: view.money, freezes: view.freezes, ...row };
  }

  async function dashboardMoney(cur: string) {
    const row = ((await ms.dashboard(e.freelancer)).body.money as Array<Record<string, number | string>>).find((x) => x.currency === cur);
    return row ?? null;
  }

  const scale = (row: Record<string, number | string> | null, n: number) =>
    row &&
    Object.fromEntries(
      Object.entries(row)
        .filter(([k]) => k !== 'currency')
        .map(([k, v]) => [k, (v as number) * n]),
    );
  const figures = (row: Record<string, number | string> | null) =>
    row && Object.fromEntries(Object.entries(row).filter(([k]) => k !== 'currency'));

  it('through RabbitMQ: every permutation, with an exact duplicate, ends as in-order delivery does', async () => {
    const rng = mulberry32(9_2030);
    for (const name of names) {
      // In order, one event at a time.
      const baseline = await funding(currency('I', name));
      const inOrder = scenarioEvents(name, baseline);
      for (const ev of inOrder) {
        await billing.publish(ev);
        await waitForInbox(system, [ev.id]);
      }
      const expected = await finalState(baseline.id);

      const orders = permutations(inOrder.map((_, i) => i));
      for (const order of orders) {
        const m = await funding(currency('P', name));
        const events = scenarioEvents(name, m);
        const delivery: EventEnvelope[] = order.map((i) => events[i]);
        // A redelivery of one of them, anywhere (the inbox must drop it).
        delivery.splice(Math.floor(rng() * (delivery.length + 1)), 0, events[Math.floor(rng() * events.length)]);
        for (const ev of delivery) {
          await billing.publish(ev);
          await waitForInbox(system, [ev.id]);
        }
        expect({ name, order, state: await finalState(m.id) }).toEqual({ name, order, state: { ...expected, dispute_opened_by: null } });
      }
      expect(figures(await dashboardMoney(currency('P', name)))).toEqual(scale(await dashboardMoney(currency('I', name)), orders.length));
    }

    // The case: a release (v2 of 1..3) arriving after the chargeback (v3) is still visible.
    const m = await funding('OVT');
    const [funded, releasedEv, disputed] = scenarioEvents('release_then_chargeback', m);
    for (const ev of [funded, disputed, releasedEv]) {
      await billing.publish(ev);
      await waitForInbox(system, [ev.id]);
    }
    expect((await ms.get(e.client, m.id)).body).toMatchObject({
      status: 'disputed',
      money: { released: AMOUNT, platformFee: 1_000, disputed: AMOUNT },
      freezes: { chargeback: true },
    });
    expect(await dashboardMoney('OVT')).toMatchObject({ released: AMOUNT, disputed: AMOUNT, paid: AMOUNT, inEscrow: 0 });
    const outcomes = await system.query(
      `select billing_version::int as v, outcome from milestone_money_events where milestone_id = $1 order by id`,
      [m.id],
    );
    expect(outcomes).toEqual([
      { v: 0, outcome: 'applied' },
      { v: 2, outcome: 'applied' },
      { v: 1, outcome: 'stale' },
    ]);
  }, 240_000);

  it('through RabbitMQ with everything in flight at once: shuffled events of many milestones, duplicates included', async () => {
    const rng = mulberry32(17_2030);
    const expected: Record<string, Awaited<ReturnType<typeof finalState>>> = {};
    for (const name of names) {
      const baseline = await funding(currency('I', name));
      for (const ev of scenarioEvents(name, baseline)) {
        await billing.publish(ev);
        await waitForInbox(system, [ev.id]);
      }
      expected[name] = await finalState(baseline.id);
    }
    const milestones: Array<{ name: string; id: string }> = [];
    const all: EventEnvelope[] = [];
    for (let i = 0; i < 3 * names.length; i++) {
      const name = names[i % names.length];
      const m = await funding(currency('P', name));
      milestones.push({ name, id: m.id });
      const events = scenarioEvents(name, m);
      all.push(...events, events[Math.floor(rng() * events.length)]);
    }
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [all[i], all[j]] = [all[j], all[i]];
    }
    await Promise.all(all.map((ev) => billing.publish(ev)));
    await waitForInbox(
      system,
      all.map((ev) => ev.id),
      30_000,
    );
    for (const { name, id } of milestones) expect({ name, state: await finalState(id) }).toEqual({ name, state: expected[name] });
  });

  it('through the subscriber against the real database: thousands of seeded random orderings with re-emissions', async () => {
    const app = platform.apps.workspace!;
    const tx = app.get(TenantTransactions);
    const subscriber = app.get(BillingEventsSubscriber);
    const repo = app.get(MilestonesRepository);
    const projector = app.get(DashboardProjectionRepository);
    const scope = { accountId: e.accountId, workspaceId: e.workspaceId };
    const TRIALS = Number(process.env.BILLING_ORDER_TRIALS ?? 2000);

    /** A funding milestone straight in the database, counted in the dashboards like a created one. */
    async function insertFunding(cur: string, id: string = randomUUID()): Promise<MilestoneRef> {
      await tx.run(scope, async (manager) => {
        await manager.query(
          `insert into milestones (id, account_id, workspace_id, title, amount, currency, review_window_days, status, work_status, created_by, created_at, updated_at)
           values ($1, $2, $3, 'Direct', $4, $5, 14, 'funding', 'funding', $6, now(), now())`,
          [id, e.accountId, e.workspaceId, AMOUNT, cur, e.freelancer.userId],
        );
        await projector.milestoneChanged(manager, scope, null, factsOf((await repo.find(manager, e.workspaceId, id))!));
      });
      return { id, amount: AMOUNT, currency: cur, workspaceId: e.workspaceId, accountId: e.accountId };
    }
    /** What the consumer does for one message, minus the broker: the inbox drops an id seen before. */
    const seen = new Set<string>();
    const deliver = async (ev: EventEnvelope) => {
      if (seen.has(ev.id)) return;
      seen.add(ev.id);
      await tx.run(scope, (manager) => subscriber.handle(ev, manager));
    };
    const rowState = async (id: string) => {
      const [row] = await system.query(
        `select status, work_status, dispute_opened_by, money_status, money_charged::int, money_released::int, money_platform_fee::int, money_refunded::int, money_disputed::int, billing_version::int
           from milestones where id = $1`,
        [id],
      );
      return row;
    };

    const expected: Record<string, unknown> = {};
    for (const name of names) {
      const m = await insertFunding(currency('D', name));
      for (const ev of scenarioEvents(name, m)) await deliver(ev);
      expected[name] = await rowState(m.id);
    }

    // Plan every trial first (seeded), then run them four at a time: orderings are the
    // seed's, and concurrent deliveries to other milestones must not disturb them either.
    const rng = mulberry32(20301201);
    const trials: Record<string, number> = {};
    const plans = Array.from({ length: TRIALS }, (_, trial) => {
      const name = names[Math.floor(rng() * names.length)];
      const m: MilestoneRef = {
        id: randomUUID(),
        amount: AMOUNT,
        currency: currency('O', name),
        workspaceId: e.workspaceId,
        accountId: e.accountId,
      };
      const events = scenarioEvents(name, m);
      const delivery = [...events];
      // Re-emissions (same version and state, new id) and exact duplicates, then a shuffle.
      for (let k = Math.floor(rng() * 3); k > 0; k--) {
        const again = events[Math.floor(rng() * events.length)];
        delivery.push(rng() < 0.5 ? again : { ...again, id: randomUUID() });
      }
      for (let i = delivery.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [delivery[i], delivery[j]] = [delivery[j], delivery[i]];
      }
      trials[name] = (trials[name] ?? 0) + 1;
      return { trial, name, m, delivery };
    });
    const mismatches: unknown[] = [];
    let next = 0;
    const worker = async () => {
      while (next < plans.length) {
        const { trial, name, m, delivery } = plans[next++];
        await insertFunding(m.currency, m.id);
        for (const ev of delivery) await deliver(ev);
        const got = await rowState(m.id);
        if (JSON.stringify(got) !== JSON.stringify(expected[name]))
          mismatches.push({ trial, name, order: delivery.map((d) => `${d.type}@${d.aggregateVersion}`), got, expected: expected[name] });
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(mismatches).toEqual([]);
    expect(Object.keys(trials).sort()).toEqual([...names].sort());

    // Dashboard figures: each randomly delivered milestone adds exactly what the in-order one does.
    for (const name of names) {
      expect(figures(await dashboardMoney(currency('O', name)))).toEqual(scale(await dashboardMoney(currency('D', name)), trials[name]));
    }
    const byStatus = (await ms.dashboard(e.freelancer)).body.milestones.byStatus;
    expect(byStatus.released + byStatus.refunded + byStatus.disputed + byStatus.funded).toBeGreaterThan(TRIALS);

    // And the rebuild from the source tables equals the incremental projection.
    await system.transaction(async (manager) => {
      await manager.query(`lock table milestones, tasks in share mode`);
      const incremental = accountRows(await dashboardRebuild.snapshot(manager), e.accountId);
      await dashboardRebuild.rebuildAll(manager);
      expect(accountRows(await dashboardRebuild.snapshot(manager), e.accountId)).toEqual(incremental);
      expect(incremental.workspace_dashboard_money.length).toBeGreaterThan(10);
    });
  }, 900_000);
});
