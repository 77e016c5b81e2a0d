import { DataSource } from 'typeorm';
import { BillingEvents } from '@fpms/contracts';
import { MutableClock, RunningPlatform } from '@fpms/harness';
import { ReviewTimerPoller } from '../../apps/workspace/src/review-timers/review-timer.poller';
import {
  BillingPublisher,
  Engagement,
  FILE_VERSION,
  fundedMilestone,
  milestoneApi,
  MilestoneWorld,
  startMilestoneWorld,
  waitForInbox,
} from './support';

const DAY = 86_400_000;

/**
 * A bank chargeback is not an in-app dispute: two independent freezes. The in-app one is
 * the client's to withdraw; the chargeback lifts only when billing reports it closed.
 * Nothing approves (member or review timer) and nothing releases while either is on.
 */
describe('chargebacks and in-app disputes', () => {
  const clock = new MutableClock('2030-10-01T09:00:00Z');
  let platform: RunningPlatform;
  let billing: BillingPublisher;
  let system: DataSource;
  let e: Engagement;
  let ms: ReturnType<typeof milestoneApi>;
  let world: MilestoneWorld;
  const poller = () => platform.apps.workspace!.get(ReviewTimerPoller);

  beforeAll(async () => {
    world = await startMilestoneWorld(clock);
    ({ platform, billing, system, e, ms } = world);
  });

  afterAll(async () => {
    await world?.close();
  });

  const AMOUNT = 30_000;
  const chargeback = { status: 'held' as const, charged: AMOUNT, disputed: AMOUNT };

  async function submitted() {
    const m = await fundedMilestone(platform, e, billing, system, {
      title: 'Frozen',
      amount: AMOUNT,
      currency: 'CHF',
      reviewWindowDays: 7,
    });
    expect((await ms.act(e.freelancer, m.id, 'submit', { deliverableFileVersionId: FILE_VERSION() })).status).toBe(200);
    return m;
  }

  async function send(
    type: (typeof BillingEvents)[keyof typeof BillingEvents],
    m: Awaited<ReturnType<typeof submitted>>,
    version: number,
    extra: Record<string, unknown> = {},
  ) {
    const ev = await billing.milestone(type, m, version, extra);
    await waitForInbox(system, [ev.id]);
    return ev;
  }

  it('withdrawing the in-app dispute does not lift a chargeback that arrived during it; nothing approves until billing closes it', async () => {
    const m = await submitted();
    clock.advance(2 * DAY);
    const opened = await ms.act(e.client, m.id, 'dispute', { note: 'Not what we agreed' });
    expect(opened.body).toMatchObject({
      status: 'disputed',
      reviewDueAt: null,
      freezes: { dispute: { openedBy: e.client.userId }, chargeback: false },
    });

    const cb = await send(BillingEvents.milestoneDisputed, m, 2, { money: chargeback });
    const [{ outcome }] = await system.query(`select outcome from milestone_money_events where event_id = $1`, [cb.id]);
    expect(outcome).toBe('applied');
    expect((await ms.get(e.client, m.id)).body).toMatchObject({
      status: 'disputed',
      freezes: { dispute: { openedBy: e.client.userId }, chargeback: true },
      money: { disputed: AMOUNT },
    });

    const withdrawn = await ms.act(e.client, m.id, 'withdraw-dispute');
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'disputed', reviewDueAt: null, freezes: { dispute: null, chargeback: true } });
    // Withdrawn already: a second withdrawal has nothing to lift.
    expect((await ms.act(e.client, m.id, 'withdraw-dispute')).body.error.code).toBe('invalid_milestone_transition');

    const approve = await ms.act(e.client, m.id, 'approve');
    expect(approve.status).toBe(409);
    expect(approve.body.error).toMatchObject({ code: 'invalid_milestone_transition', details: { status: 'disputed', command: 'approve' } });
    expect((await ms.act(e.client, m.id, 'request-changes')).status).toBe(409);
    expect((await ms.act(e.freelancer, m.id, 'submit', { deliverableFileVersionId: FILE_VERSION() })).status).toBe(409);

    // Far past the review window: the timer stays paused, nothing auto-approves.
    clock.advance(30 * DAY);
    expect((await poller().runOnce()).approved).toBe(0);
    expect((await ms.get(e.client, m.id)).body.status).toBe('disputed');

    // Billing closes it, won: review resumes with the 5 days that were left, and the client can approve.
    await send(BillingEvents.milestoneDisputeClosed, m, 3, { outcome: 'won', money: { ...chargeback, disputed: 0 } });
    expect((await ms.get(e.client, m.id)).body).toMatchObject({
      status: 'submitted',
      freezes: { dispute: null, chargeback: false },
      reviewDueAt: new Date(clock.now().getTime() + 5 * DAY).toISOString(),
    });
    expect((await ms.act(e.client, m.id, 'approve')).body.status).toBe('approved');
    await send(BillingEvents.milestoneReleased, m, 4);
    expect((await ms.get(e.client, m.id)).body).toMatchObject({ status: 'released', money: { released: AMOUNT } });
  });

  it('a chargeback closed won does not lift the in-app dispute: only its opener does', async () => {
    const m = await submitted();
    await send(BillingEvents.milestoneDisputed, m, 2, { money: chargeback });
    // Opening an in-app dispute during a chargeback is allowed: it must outlive the bank's.
    const opened = await ms.act(e.client, m.id, 'dispute');
    expect(opened.status).toBe(200);
    expect(opened.body.freezes).toEqual({ dispute: { openedBy: e.client.userId }, chargeback: true });

    await send(BillingEvents.milestoneDisputeClosed, m, 3, { outcome: 'won', money: { ...chargeback, disputed: 0 } });
    expect((await ms.get(e.client, m.id)).body).toMatchObject({
      status: 'disputed',
      reviewDueAt: null,
      freezes: { dispute: { openedBy: e.client.userId }, chargeback: false },
    });
    clock.advance(30 * DAY);
    expect((await poller().runOnce()).approved).toBe(0);
    expect((await ms.act(e.client, m.id, 'approve')).status).toBe(409);
    // The freelancer cannot withdraw the client's dispute (no permission to decide).
    expect((await ms.act(e.freelancer, m.id, 'withdraw-dispute')).status).toBe(403);

    expect((await ms.act(e.client, m.id, 'withdraw-dispute')).body).toMatchObject({
      status: 'submitted',
      freezes: { dispute: null, chargeback: false },
    });
    expect((await ms.act(e.client, m.id, 'approve')).body.status).toBe('approved');
  });

  it('an approved milestone under a chargeback is not released until it closes won; then the release shows', async () => {
    const m = await submitted();
    expect((await ms.act(e.client, m.id, 'approve')).body.status).toBe('approved');
    await send(BillingEvents.milestoneDisputed, m, 2, { money: chargeback });
    expect((await ms.get(e.client, m.id)).body).toMatchObject({ status: 'disputed', freezes: { chargeback: true } });
    // Members cannot move it either way while frozen.
    expect((await ms.act(e.client, m.id, 'request-refund')).status).toBe(409);

    await send(BillingEvents.milestoneDisputeClosed, m, 3, { outcome: 'won', money: { ...chargeback, disputed: 0 } });
    expect((await ms.get(e.client, m.id)).body).toMatchObject({ status: 'approved', freezes: { dispute: null, chargeback: false } });
    await send(BillingEvents.milestoneReleased, m, 4);
    expect((await ms.get(e.client, m.id)).body).toMatchObject({
      status: 'released',
      money: { charged: AMOUNT, released: AMOUNT, platformFee: 3_000, disputed: 0 },
    });
    const money = ((await ms.dashboard(e.freelancer)).body.money as Array<Record<string, unknown>>).find((x) => x.currency === 'CHF');
    expect(money).toMatchObject({ disputed: 0 });
  });

  it('a partial chargeback and a partial refund move only their amounts in the dashboards', async () => {
    const m = await fundedMilestone(platform, e, billing, system, { title: 'Partial', amount: 10_000, currency: 'SEK' });
    const dash = async () =>
      ((await ms.dashboard(e.freelancer)).body.money as Array<Record<string, unknown>>).find((x) => x.currency === 'SEK');
    expect(await dash()).toMatchObject({ paid: 10_000, inEscrow: 10_000, disputed: 0, refunded: 0, contracted: 10_000 });
    await send(BillingEvents.milestoneDisputed, m, 2, { amount: 2_500, money: { status: 'held', charged: 10_000, disputed: 2_500 } });
    expect(await dash()).toMatchObject({ paid: 10_000, inEscrow: 7_500, disputed: 2_500 });
    await send(BillingEvents.milestoneDisputeClosed, m, 3, {
      amount: 2_500,
      outcome: 'won',
      money: { status: 'held', charged: 10_000, disputed: 0 },
    });
    await send(BillingEvents.milestoneRefunded, m, 4, { amount: 4_000, money: { status: 'held', charged: 10_000, refunded: 4_000 } });
    expect(await dash()).toEqual({
      currency: 'SEK',
      paid: 10_000,
      inEscrow: 6_000,
      disputed: 0,
      refunded: 4_000,
      released: 0,
      contracted: 6_000,
    });
    expect((await ms.get(e.client, m.id)).body).toMatchObject({ status: 'funded', money: { refunded: 4_000 } });
    // The rest is still work to do: submission and approval go on.
    expect((await ms.act(e.freelancer, m.id, 'submit', { deliverableFileVersionId: FILE_VERSION() })).status).toBe(200);
  });
});
