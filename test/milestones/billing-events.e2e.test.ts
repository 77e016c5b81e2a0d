import * as amqplib from 'amqplib';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { BillingEvents, EventEnvelope } from '@fpms/contracts';
import { bearer, MutableClock, RunningPlatform } from '@fpms/harness';
import { CrossTenantDashboardRebuildRepository } from '../../apps/workspace/src/dashboard/dashboard-rebuild.repository';
import {
  accountRows,
  BillingPublisher,
  Engagement,
  FILE_VERSION,
  fundedMilestone,
  milestoneApi,
  waitForInbox,
  MilestoneWorld,
  startMilestoneWorld,
} from './support';

const dashboardRebuild = new CrossTenantDashboardRebuildRepository();

describe('billing events drive milestone money (inbox, versions, dashboards)', () => {
  const clock = new MutableClock('2030-06-01T12:00:00Z');
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

  const money = async () => (await ms.dashboard(e.client)).body.money as Array<Record<string, number | string>>;

  it('never counts a duplicate or a stale event twice', async () => {
    const m = await fundedMilestone(platform, e, billing, system, { title: 'Once', amount: 70_000, currency: 'JPY' });
    const before = (await money()).find((x) => x.currency === 'JPY');
    expect(before).toMatchObject({ inEscrow: 70_000, paid: 70_000 });

    // The same message again (a redelivery), and a replay of version 1 under a new id.
    const [{ event_id: firstId }] = await system.query(`select event_id from milestone_money_events where milestone_id = $1`, [m.id]);
    const replay = await billing.milestone(BillingEvents.milestoneFunded, m, 1);
    const stalePaymentFailed = await billing.milestone(BillingEvents.milestonePaymentFailed, m, 1);
    await billing.publish({ ...replay }); // exact duplicate of the replay
    await waitForInbox(system, [replay.id, stalePaymentFailed.id]);
    expect((await money()).find((x) => x.currency === 'JPY')).toEqual(before);
    expect((await ms.get(e.client, m.id)).body.status).toBe('funded');

    const outcomes = await system.query(`select event_id, type, outcome from milestone_money_events where milestone_id = $1 order by id`, [
      m.id,
    ]);
    expect(outcomes).toEqual([
      { event_id: firstId, type: 'billing.milestone.funded', outcome: 'applied' },
      { event_id: replay.id, type: 'billing.milestone.funded', outcome: 'stale' },
      { event_id: stalePaymentFailed.id, type: 'billing.milestone.payment_failed', outcome: 'stale' },
    ]);

    // A newer version of a fact already reached (reconciliation re-emitting "funded") changes nothing either.
    const newer = await billing.milestone(BillingEvents.milestoneFunded, m, 5);
    await waitForInbox(system, [newer.id]);
    expect((await money()).find((x) => x.currency === 'JPY')).toEqual(before);
    const [{ billing_version }] = await system.query(`select billing_version::int from milestones where id = $1`, [m.id]);
    expect(billing_version).toBe(5);
    // …and anything older than 5 is now stale, even a release.
    const oldRelease = await billing.milestone(BillingEvents.milestoneReleased, m, 4);
    await waitForInbox(system, [oldRelease.id]);
    expect((await ms.get(e.client, m.id)).body.status).toBe('funded');
  });

  it('a failed payment returns the milestone to accepted; a later success funds it', async () => {
    const created = (await ms.create(e.freelancer, { title: 'Retry pay', amount: 9_900, currency: 'EUR' })).body;
    await ms.act(e.freelancer, created.id, 'propose');
    await ms.act(e.client, created.id, 'accept');
    await ms.act(e.client, created.id, 'fund');
    const m = { id: created.id, amount: 9_900, currency: 'EUR', workspaceId: e.workspaceId, accountId: e.accountId };
    const failed = await billing.milestone(BillingEvents.milestonePaymentFailed, m, 1);
    await waitForInbox(system, [failed.id]);
    expect((await ms.get(e.client, m.id)).body.status).toBe('accepted');
    await ms.act(e.client, m.id, 'fund');
    const funded = await billing.milestone(BillingEvents.milestoneFunded, m, 2);
    await waitForInbox(system, [funded.id]);
    expect((await ms.get(e.client, m.id)).body.status).toBe('funded');
  });

  it('refunds and disputes move money between buckets', async () => {
    const r = await fundedMilestone(platform, e, billing, system, { title: 'Refund', amount: 1_000, currency: 'NOK' });
    await ms.act(e.client, r.id, 'request-refund');
    expect((await money()).find((x) => x.currency === 'NOK')).toMatchObject({ inEscrow: 1_000, refunded: 0 });
    const refunded = await billing.milestone(BillingEvents.milestoneRefunded, r, 2);
    await waitForInbox(system, [refunded.id]);
    expect((await money()).find((x) => x.currency === 'NOK')).toEqual({
      currency: 'NOK',
      contracted: 0,
      inEscrow: 0,
      released: 0,
      refunded: 1_000,
      disputed: 0,
      paid: 1_000,
    });

    const d = await fundedMilestone(platform, e, billing, system, { title: 'Chargeback', amount: 2_000, currency: 'NOK' });
    await ms.act(e.freelancer, d.id, 'submit', { deliverableFileVersionId: FILE_VERSION() });
    await ms.act(e.client, d.id, 'approve');
    const released = await billing.milestone(BillingEvents.milestoneReleased, d, 2);
    const disputed = await billing.milestone(BillingEvents.milestoneDisputed, d, 3, {
      money: { status: 'released', released: 2_000, platformFee: 200, disputed: 2_000 },
    });
    await waitForInbox(system, [released.id, disputed.id]);
    // The release happened and stays visible; the chargeback is counted next to it.
    expect((await money()).find((x) => x.currency === 'NOK')).toMatchObject({ released: 2_000, disputed: 2_000, contracted: 2_000 });
    expect((await ms.get(e.client, d.id)).body).toMatchObject({
      status: 'disputed',
      money: { released: 2_000, disputed: 2_000 },
      freezes: { dispute: null, chargeback: true },
    });
    // Lost: billing reversed the transfer and the bank gave the money back to the client.
    const lost = await billing.milestone(BillingEvents.milestoneDisputeClosed, d, 4, { outcome: 'lost' });
    await waitForInbox(system, [lost.id]);
    expect((await ms.get(e.client, d.id)).body.status).toBe('refunded');
    expect((await money()).find((x) => x.currency === 'NOK')).toMatchObject({ refunded: 3_000, disputed: 0, paid: 3_000, released: 0 });
  });

  it('sends an event that contradicts the agreed money to the dead-letter queue, applying nothing', async () => {
    const created = (await ms.create(e.freelancer, { title: 'Wrong amount', amount: 5_000, currency: 'EUR' })).body;
    await ms.act(e.freelancer, created.id, 'propose');
    await ms.act(e.client, created.id, 'accept');
    await ms.act(e.client, created.id, 'fund');
    const bad = await billing.milestone(
      BillingEvents.milestoneFunded,
      { id: created.id, amount: 4_000, currency: 'EUR', workspaceId: e.workspaceId, accountId: e.accountId },
      1,
    );
    const connection = await amqplib.connect(platform.amqpUrl);
    const channel = await connection.createChannel();
    try {
      const deadline = Date.now() + 10_000;
      let found = false;
      while (!found && Date.now() < deadline) {
        const msg = await channel.get('workspace.events.dlq', { noAck: false });
        if (msg && msg.properties.messageId === bad.id) found = true;
        if (msg) channel.nack(msg, false, !found);
        if (!found) await new Promise((r) => setTimeout(r, 100));
      }
      expect(found).toBe(true);
    } finally {
      await channel.close();
      await connection.close();
    }
    expect((await ms.get(e.client, created.id)).body.status).toBe('funding');
  });

  it('rebuild equals incremental after a random sequence of API commands and billing events (with duplicates and stale versions)', async () => {
    const rng = mulberry32(20301122);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
    const currencies = ['EUR', 'USD', 'GBP'];
    const tracked: Array<{ id: string; amount: number; currency: string; workspaceId: string; accountId: string; version: number }> = [];
    const sent: EventEnvelope[] = [];
    const api = request(platform.gatewayUrl);

    for (let i = 0; i < 14; i++) {
      const dueDate = pick([undefined, '2030-05-01', '2030-07-15', '2031-01-01']);
      const created = await ms.create(e.freelancer, {
        title: `R${i}`,
        amount: 100 * (1 + Math.floor(rng() * 50)),
        currency: pick(currencies),
        ...(dueDate ? { dueDate } : {}),
      });
      tracked.push({ ...created.body, workspaceId: e.workspaceId, accountId: e.accountId, version: 0 });
      await api
        .post(`/api/v1/workspaces/${e.workspaceId}/tasks`)
        .set(bearer(e.freelancer.token))
        .send({ title: `T${i}`, milestoneId: created.body.id, ...(dueDate ? { dueDate } : {}) });
    }
    const actors = {
      propose: e.freelancer,
      accept: e.client,
      fund: e.client,
      submit: e.freelancer,
      approve: e.client,
      'request-changes': e.client,
      cancel: e.freelancer,
      'request-refund': e.client,
      dispute: e.client,
      'withdraw-dispute': e.client,
      decline: e.client,
    };
    // Mostly plausible next steps (so money really moves), with random noise: any command, any event, stale versions, duplicates.
    const plausibleCommands: Record<string, Array<keyof typeof actors>> = {
      draft: ['propose', 'propose', 'propose', 'cancel'],
      proposed: ['accept', 'accept', 'accept', 'decline'],
      accepted: ['fund', 'fund', 'fund', 'cancel'],
      funded: ['submit', 'submit', 'request-refund', 'dispute'],
      submitted: ['approve', 'request-changes', 'dispute', 'request-refund'],
      changes_requested: ['submit'],
      disputed: ['withdraw-dispute'],
    };
    const plausibleEvents: Record<string, Array<(typeof BillingEvents)[keyof typeof BillingEvents]>> = {
      funding: [BillingEvents.milestoneFunded, BillingEvents.milestoneFunded, BillingEvents.milestonePaymentFailed],
      approved: [BillingEvents.milestoneReleased, BillingEvents.milestoneDisputed],
      refund_requested: [BillingEvents.milestoneRefunded],
      disputed: [BillingEvents.milestoneDisputeClosed],
      released: [BillingEvents.milestoneDisputed],
    };
    const billingTypes = Object.values(BillingEvents);
    for (let step = 0; step < 260; step++) {
      const m = pick(tracked);
      const [{ status }] = await system.query(`select status from milestones where id = $1`, [m.id]);
      const roll = rng();
      if (roll < 0.45) {
        const route =
          plausibleCommands[status] && rng() < 0.85 ? pick(plausibleCommands[status]) : (pick(Object.keys(actors)) as keyof typeof actors);
        await ms.act(actors[route], m.id, route, route === 'submit' ? { deliverableFileVersionId: FILE_VERSION() } : {});
      } else if (roll < 0.8) {
        // Mostly the next version, sometimes a stale one; outcome 'won'/'lost' at random.
        const version = rng() < 0.9 ? ++m.version : Math.max(1, m.version - Math.floor(rng() * 3));
        const type = plausibleEvents[status] && rng() < 0.9 ? pick(plausibleEvents[status]) : pick(billingTypes);
        sent.push(
          await billing.milestone(
            type,
            m,
            version,
            type === BillingEvents.milestoneDisputeClosed ? { outcome: rng() < 0.5 ? 'won' : 'lost' } : {},
          ),
        );
        if (rng() < 0.5) await new Promise((r) => setTimeout(r, 30));
      } else if (roll < 0.9 && sent.length) {
        const dup = pick(sent);
        await billing.publish(dup);
      } else {
        clock.advance(Math.floor(rng() * 5) * 86_400_000);
      }
    }
    // Let every event settle: wait for the inbox, then for retries of out-of-order ones to stop mattering.
    await waitForInbox(system, [...new Set(sent.map((s) => s.id))].filter(Boolean), 5_000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));

    await system.transaction(async (m) => {
      // Freeze writers while comparing (events still being retried would otherwise race the two snapshots).
      await m.query(`lock table milestones, tasks in share mode`);
      const incremental = accountRows(await dashboardRebuild.snapshot(m), e.accountId);
      await dashboardRebuild.rebuildAll(m);
      const rebuilt = accountRows(await dashboardRebuild.snapshot(m), e.accountId);
      expect(rebuilt).toEqual(incremental);
      expect((incremental.workspace_dashboards as unknown[]).length).toBeGreaterThan(0);
    });
    // The sequence really moved money around (not just drafts being refused).
    const reached = await system.query(`select distinct status from milestones where id = any($1::uuid[])`, [tracked.map((t) => t.id)]);
    expect(reached.length).toBeGreaterThanOrEqual(4);
    const [{ n: applied }] = await system.query(
      `select count(*)::int as n from milestone_money_events where milestone_id = any($1::uuid[]) and outcome = 'applied'`,
      [tracked.map((t) => t.id)],
    );
    expect(applied).toBeGreaterThan(3);
    const dash = (await ms.dashboard(e.freelancer)).body;
    expect(dash.milestones.total).toBeGreaterThanOrEqual(14);
  });
});

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
