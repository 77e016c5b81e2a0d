import { DataSource } from 'typeorm';
import { BillingEvents } from '@fpms/contracts';
import { MutableClock, RunningPlatform, startPlatform, tapEvents } from '@fpms/harness';
import { ReviewTimerPoller } from '../../apps/workspace/src/review-timers/review-timer.poller';
import {
  BillingPublisher,
  Engagement,
  FILE_VERSION,
  fundedMilestone,
  milestoneApi,
  waitForInbox,
  MILESTONE_ONLY_WORKSPACE_ENV,
  MilestoneWorld,
  startMilestoneWorld,
} from './support';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * The review window with a moved clock: no sleeping. The background poll loop is off
 * (REVIEW_TIMER_POLL_MS=0) and each test triggers a pass with pollOnce().
 */
describe('review timers', () => {
  const clock = new MutableClock('2030-03-01T09:00:00Z');
  let platform: RunningPlatform;
  let billing: BillingPublisher;
  let system: DataSource;
  let e: Engagement;
  let ms: ReturnType<typeof milestoneApi>;
  const poller = (p: RunningPlatform = platform) => p.apps.workspace!.get(ReviewTimerPoller);

  let world: MilestoneWorld;

  beforeAll(async () => {
    world = await startMilestoneWorld(clock);
    ({ platform, billing, system, e, ms } = world);
  });

  afterAll(async () => {
    await world?.close();
  });

  async function submitted(window = 14) {
    const m = await fundedMilestone(platform, e, billing, system, {
      title: 'Timed',
      amount: 40_000,
      currency: 'USD',
      reviewWindowDays: window,
    });
    const res = await ms.act(e.freelancer, m.id, 'submit', { deliverableFileVersionId: FILE_VERSION() });
    expect(res.status).toBe(200);
    return { ...m, reviewDueAt: res.body.reviewDueAt as string };
  }

  it('approves automatically when the window lapses, with reminders 3 days and 1 day before', async () => {
    const tap = await tapEvents(['workspace.milestone.review_reminder', 'workspace.milestone.approved'], { amqpUrl: platform.amqpUrl });
    try {
      const start = clock.now();
      const m = await submitted(14);
      expect(m.reviewDueAt).toBe(new Date(start.getTime() + 14 * DAY).toISOString());
      expect(await poller().runOnce()).toEqual({ approved: 0, reminded: 0, skipped: 0 });

      clock.advance(11 * DAY + 1000);
      expect(await poller().runOnce()).toMatchObject({ approved: 0, reminded: 1 });
      expect(await poller().runOnce()).toMatchObject({ reminded: 0 });
      clock.advance(2 * DAY);
      expect(await poller().runOnce()).toMatchObject({ approved: 0, reminded: 1 });
      expect((await ms.get(e.client, m.id)).body.status).toBe('submitted');

      clock.advance(DAY - 2000);
      expect(await poller().runOnce()).toMatchObject({ approved: 0 });
      clock.advance(1000);
      expect(await poller().runOnce()).toMatchObject({ approved: 1 });
      const after = (await ms.get(e.client, m.id)).body;
      expect(after).toMatchObject({ status: 'approved', approvedBy: 'auto', approvedAt: clock.now().toISOString(), reviewDueAt: null });
      expect(await poller().runOnce()).toEqual({ approved: 0, reminded: 0, skipped: 0 });

      const events = await tap.waitFor((ev) => ev.filter((x) => x.body.aggregateId === m.id).length === 3);
      const mine = events.filter((x) => x.body.aggregateId === m.id);
      expect(mine.map((x) => x.routingKey)).toEqual([
        'workspace.milestone.review_reminder',
        'workspace.milestone.review_reminder',
        'workspace.milestone.approved',
      ]);
      expect(mine[0].body.data).toMatchObject({ status: 'submitted', reviewDueAt: m.reviewDueAt, actorUserId: null });
      expect(mine[2].body.data).toMatchObject({
        status: 'approved',
        approvedBy: 'auto',
        actorUserId: null,
        amount: 40_000,
        currency: 'USD',
      });

      const activity = (await ms.activity(e.freelancer)).body.items.find(
        (a: { targetId: string; action: string }) => a.targetId === m.id && a.action === 'milestone.status_changed',
      );
      expect(activity).toMatchObject({
        actorUserId: null,
        before: { status: 'submitted' },
        after: { status: 'approved', command: 'auto_approve', by: 'review_timer' },
      });
    } finally {
      await tap.close();
    }
  });

  it('changes requested stops the clock; a resubmission gets a full new window', async () => {
    const m = await submitted(5);
    clock.advance(4 * DAY);
    await ms.act(e.client, m.id, 'request-changes');
    clock.advance(10 * DAY);
    expect((await poller().runOnce()).approved).toBe(0);
    const again = await ms.act(e.freelancer, m.id, 'submit', { deliverableFileVersionId: FILE_VERSION() });
    expect(again.body.reviewDueAt).toBe(new Date(clock.now().getTime() + 5 * DAY).toISOString());
    clock.advance(5 * DAY - 1000);
    await poller().runOnce();
    expect((await ms.get(e.client, m.id)).body.status).toBe('submitted');
    clock.advance(1000);
    await poller().runOnce();
    expect((await ms.get(e.client, m.id)).body.status).toBe('approved');
  });

  it('pauses while a dispute is open and resumes with the time that was left', async () => {
    const m = await submitted(14);
    clock.advance(10 * DAY);
    const disputed = await ms.act(e.client, m.id, 'dispute', { note: 'Not what we agreed' });
    expect(disputed.body).toMatchObject({ status: 'disputed', reviewDueAt: null });
    clock.advance(30 * DAY);
    expect((await poller().runOnce()).approved).toBe(0);
    expect((await ms.get(e.client, m.id)).body.status).toBe('disputed');

    const resumed = await ms.act(e.client, m.id, 'withdraw-dispute');
    expect(resumed.body.status).toBe('submitted');
    expect(resumed.body.reviewDueAt).toBe(new Date(clock.now().getTime() + 4 * DAY).toISOString());
    clock.advance(4 * DAY - HOUR);
    await poller().runOnce();
    expect((await ms.get(e.client, m.id)).body.status).toBe('submitted');
    clock.advance(HOUR);
    await poller().runOnce();
    expect((await ms.get(e.client, m.id)).body).toMatchObject({ status: 'approved', approvedBy: 'auto' });
  });

  it('a chargeback dispute from billing pauses the timer too; a won dispute resumes it', async () => {
    const m = await submitted(14);
    clock.advance(13 * DAY);
    const opened = await billing.milestone(BillingEvents.milestoneDisputed, m, 2);
    await waitForInbox(system, [opened.id]);
    clock.advance(20 * DAY);
    expect((await poller().runOnce()).approved).toBe(0);
    const won = await billing.milestone(BillingEvents.milestoneDisputeClosed, m, 3, { outcome: 'won' });
    await waitForInbox(system, [won.id]);
    expect((await ms.get(e.client, m.id)).body).toMatchObject({
      status: 'submitted',
      reviewDueAt: new Date(clock.now().getTime() + DAY).toISOString(),
    });
    clock.advance(DAY);
    await poller().runOnce();
    expect((await ms.get(e.client, m.id)).body.status).toBe('approved');
  });

  it('runs each timer once with several replicas polling at the same moment', async () => {
    const replica = await startPlatform({
      services: ['workspace'],
      shareWith: platform,
      clock,
      env: { workspace: MILESTONE_ONLY_WORKSPACE_ENV },
    });
    const tap = await tapEvents(['workspace.milestone.approved'], { amqpUrl: platform.amqpUrl });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push((await submitted(2)).id);
      clock.advance(2 * DAY);
      // One pass per replica, concurrently (a second call on the same replica would share its pass).
      const results = await Promise.all([poller().runOnce(), poller(replica).runOnce()]);
      expect(results.reduce((n, r) => n + r.approved, 0)).toBe(6);
      await tap.waitFor((ev) => ids.every((id) => ev.some((x) => x.body.aggregateId === id)));
      await new Promise((r) => setTimeout(r, 300));
      expect(tap.events.filter((x) => ids.includes(x.body.aggregateId))).toHaveLength(6);
      const [{ n }] = await system.query(
        `select count(*)::int as n from activity_log where target_id = any($1::text[]) and after->>'command' = 'auto_approve'`,
        [ids],
      );
      expect(n).toBe(6);
    } finally {
      await tap.close();
      await replica.close();
    }
  });

  it('survives a restart: timers live in the database', async () => {
    const m = await submitted(3);
    await platform.stop('workspace');
    const restarted = await startPlatform({
      services: ['workspace'],
      shareWith: platform,
      clock,
      env: { workspace: MILESTONE_ONLY_WORKSPACE_ENV },
    });
    try {
      clock.advance(3 * DAY);
      expect((await poller(restarted).runOnce()).approved).toBe(1);
      const [row] = await system.query(`select status, approved_by from milestones where id = $1`, [m.id]);
      expect(row).toEqual({ status: 'approved', approved_by: 'auto' });
    } finally {
      await restarted.close();
    }
  });
});
