import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { EventEnvelope, TimesheetEvents } from '@fpms/contracts';
import { bearer, MutableClock, RunningPlatform, startPlatform, tapEvents } from '@fpms/harness';
import { WeekClosePoller } from '../../apps/workspace/src/time-tracking/week-close.poller';
import { WeekReviewPoller } from '../../apps/workspace/src/time-tracking/week-review.poller';
import { BillingPublisher, engagement, Engagement, MILESTONE_ONLY_WORKSPACE_ENV, systemDb, waitForInbox } from '../milestones/support';

const WORKSPACE_ENV = { ...MILESTONE_ONLY_WORKSPACE_ENV, TIME_WEEK_POLL_MS: '0' };
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

type Tapped = Awaited<ReturnType<typeof tapEvents>>;

describe('the weekly cycle of hourly contracts: close, review, disputes, billing facts', () => {
  // Wednesday of the week Europe/Berlin moves to summer time (Sunday 29 March 2026, 02:00 → 03:00).
  const clock = new MutableClock('2026-03-25T12:00:00Z');
  let platform: RunningPlatform;
  let db: DataSource;
  let tap: Tapped;
  const api = () => request(platform.gatewayUrl);
  const ws = (e: Engagement) => `/api/v1/workspaces/${e.workspaceId}`;
  const code = (res: { status: number; body: { error?: { code: string } } }) => `${res.status} ${res.body.error?.code ?? ''}`.trim();
  const closer = (p: RunningPlatform = platform) => p.apps.workspace!.get(WeekClosePoller);
  const reviewer = (p: RunningPlatform = platform) => p.apps.workspace!.get(WeekReviewPoller);
  const log = (e: Engagement, who: Engagement['freelancer'], startedAt: string, minutes: number) =>
    api()
      .post(`${ws(e)}/time-entries`)
      .set(bearer(who.token))
      .send({ startedAt, endedAt: new Date(Date.parse(startedAt) + minutes * MINUTE).toISOString() });
  const week = (e: Engagement, weekStart: string, who = e.viewer) =>
    api()
      .get(`${ws(e)}/time-weeks/${weekStart}`)
      .set(bearer(who.token));
  const act = (e: Engagement, who: Engagement['freelancer'], path: string, body: object = {}) =>
    api()
      .post(`${ws(e)}/time-weeks/${path}`)
      .set(bearer(who.token))
      .send(body);
  /** The week events the workspace emitted for this workspace, in order. */
  const weekEvents = (e: Engagement) => tap.events.filter((x) => x.body.tenant.workspaceId === e.workspaceId);

  /** A Berlin engagement with an active hourly contract (60 EUR an hour). */
  async function hourly(): Promise<Engagement & { contractId: string }> {
    const e = await engagement(platform);
    expect(
      (
        await api()
          .put(`${ws(e)}/time-zone`)
          .set(bearer(e.freelancer.token))
          .send({ timeZone: 'Europe/Berlin' })
      ).status,
    ).toBe(200);
    const proposed = await api()
      .post(`${ws(e)}/hourly-contract`)
      .set(bearer(e.freelancer.token))
      .send({ rateMinor: 6000, currency: 'EUR' });
    await api()
      .post(`${ws(e)}/hourly-contract/accept`)
      .set(bearer(e.client.token))
      .send({ contractId: proposed.body.id })
      .expect(200);
    return { ...e, contractId: proposed.body.id };
  }

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace'], clock, env: { workspace: WORKSPACE_ENV } });
    db = await systemDb(platform);
    tap = await tapEvents(['workspace.time_week.*'], { amqpUrl: platform.amqpUrl });
  });

  afterAll(async () => {
    await tap?.close();
    await db?.destroy();
    await platform?.close();
  });

  it('closes the week at Monday 00:00 Berlin time across the DST change, splits a running timer, and bills disputes in later batches', async () => {
    const e = await hourly();
    const mon = await log(e, e.freelancer, '2026-03-23T08:00:00Z', 60);
    const tue = await log(e, e.freelancer, '2026-03-24T08:00:00Z', 90);
    const wed = await log(e, e.collaborator, '2026-03-25T08:00:00Z', 30);
    expect([mon.status, tue.status, wed.status]).toEqual([201, 201, 201]);

    // Sunday 22:00 in Berlin (summer time since 02:00): the timer runs into the new week.
    clock.set('2026-03-29T20:00:00Z');
    expect(
      (
        await api()
          .post(`${ws(e)}/timer/start`)
          .set(bearer(e.freelancer.token))
          .send({ note: 'Late push' })
      ).status,
    ).toBe(201);

    // Monday 00:00 CEST is 22:00 UTC; a week of 7 × 24 hours from Monday 00:00 CET would end an hour later.
    clock.set('2026-03-29T21:59:00Z');
    await closer().runOnce();
    expect(code(await week(e, '2026-03-23'))).toBe('404 time_week_not_found');
    clock.set('2026-03-29T22:00:30Z');
    await closer().runOnce();

    const closed = await week(e, '2026-03-23');
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'in_review',
      contractId: e.contractId,
      timeZone: 'Europe/Berlin',
      entryCount: 4,
      totalSeconds: (60 + 90 + 30 + 120) * 60,
      closedAt: '2026-03-29T22:00:30.000Z',
      reviewDueAt: new Date(Date.parse('2026-03-29T22:00:30Z') + 5 * DAY).toISOString(),
      approvedBy: null,
      batches: [],
    });
    const entries: Array<{ id: string; lockedAt: string | null; review: string; endedAt: string; source: string }> = closed.body.entries;
    expect(entries.every((x) => x.lockedAt !== null && x.review === 'in_review')).toBe(true);
    // The timer's part before the boundary is billable in the closed week; a continuation runs in the new one.
    expect(entries.find((x) => x.source === 'timer')).toMatchObject({ endedAt: '2026-03-29T22:00:00.000Z' });
    const timer = await api()
      .get(`${ws(e)}/timer`)
      .set(bearer(e.freelancer.token));
    expect(timer.body.running).toMatchObject({ startedAt: '2026-03-29T22:00:00.000Z', note: 'Late push', endedAt: null });

    // The closed week takes no more time, and its entries no longer change.
    expect(code(await log(e, e.freelancer, '2026-03-26T08:00:00Z', 30))).toBe('409 time_entry_locked');
    expect(
      code(
        await api()
          .delete(`${ws(e)}/time-entries/${mon.body.id}`)
          .set(bearer(e.freelancer.token)),
      ),
    ).toBe('409 time_entry_locked');
    // Closing again finds nothing to close.
    await closer().runOnce();
    expect(
      (
        await api()
          .get(`${ws(e)}/time-weeks`)
          .set(bearer(e.viewer.token))
      ).body.items,
    ).toHaveLength(1);

    // The client admin disputes one entry; nobody else may.
    const dispute = (who = e.client) => act(e, who, `2026-03-23/entries/${wed.body.id}/dispute`, { reason: 'Not agreed' });
    expect(code(await dispute(e.viewer))).toBe('403 forbidden');
    expect(code(await dispute(e.freelancer))).toBe('403 forbidden');
    const disputed = await dispute();
    expect(disputed.status).toBe(200);
    expect(disputed.body.entries.find((x: { id: string }) => x.id === wed.body.id)).toMatchObject({
      review: 'disputed',
      dispute: { status: 'open', reason: 'Not agreed', disputedBy: e.client.userId },
    });
    expect(code(await dispute())).toBe('409 time_entry_already_disputed');

    const accepted = await act(e, e.client, '2026-03-23/accept');
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      status: 'approved',
      approvedBy: 'client',
      batches: [{ batch: 0, entryCount: 3, payment: 'pending' }],
    });
    expect(code(await act(e, e.client, '2026-03-23/accept'))).toBe('409 time_week_review_closed');

    // Withdrawn after the week was approved: the entry goes out as batch 1.
    expect(code(await act(e, e.freelancer, `2026-03-23/entries/${wed.body.id}/dispute/withdraw`))).toBe('403 forbidden');
    const settled = await act(e, e.client, `2026-03-23/entries/${wed.body.id}/dispute/withdraw`);
    expect(settled.status).toBe(200);
    expect(settled.body.entries.find((x: { id: string }) => x.id === wed.body.id)).toMatchObject({ review: 'approved', batch: 1 });
    expect(code(await act(e, e.freelancer, `2026-03-23/entries/${wed.body.id}/dispute/concede`))).toBe('409 time_entry_dispute_closed');

    const timerPart = entries.find((x) => x.source === 'timer')!.id;
    await tap.waitFor(() => weekEvents(e).length >= 4);
    await new Promise((r) => setTimeout(r, 300));
    expect(weekEvents(e).map((x) => x.routingKey)).toEqual([
      TimesheetEvents.weekClosed,
      TimesheetEvents.entryDisputed,
      TimesheetEvents.weekApproved,
      TimesheetEvents.weekApproved,
    ]);
    const [closedEv, disputedEv, batch0, batch1] = weekEvents(e).map((x) => x.body as unknown as EventEnvelope);
    expect(closedEv.data).toMatchObject({ weekStart: '2026-03-23', entryCount: 4, totalSeconds: 18000, contractId: e.contractId });
    expect(disputedEv.data).toMatchObject({ entryId: wed.body.id, seconds: 1800, reason: 'Not agreed', actorUserId: e.client.userId });
    expect(batch0.data).toMatchObject({
      batch: 0,
      approvedBy: 'client',
      actorUserId: e.client.userId,
      rateMinor: 6000,
      currency: 'EUR',
      billableSeconds: (60 + 90 + 120) * 60,
      disputedEntryIds: [wed.body.id],
    });
    expect((batch0.data as { entries: Array<{ entryId: string }> }).entries.map((x) => x.entryId).sort()).toEqual(
      [mon.body.id, tue.body.id, timerPart].sort(),
    );
    expect(batch1.data).toMatchObject({
      batch: 1,
      approvedBy: 'dispute_settled',
      billableSeconds: 1800,
      entries: [expect.objectContaining({ entryId: wed.body.id, seconds: 1800 })],
      disputedEntryIds: [],
    });
    // One stream per contract: versions increase.
    const versions = weekEvents(e).map((x) => (x.body as unknown as EventEnvelope).aggregateVersion);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
  });

  it('with two replicas closes and approves each week once; a lapsed review approves, a silent dispute drops the entry', async () => {
    clock.set('2026-04-01T12:00:00Z');
    const e = await hourly();
    const a = await log(e, e.freelancer, '2026-03-30T07:00:00Z', 60);
    const b = await log(e, e.freelancer, '2026-03-31T07:00:00Z', 45);
    const c = await log(e, e.collaborator, '2026-03-31T07:00:00Z', 30);
    const replica = await startPlatform({ services: ['workspace'], shareWith: platform, clock, env: { workspace: WORKSPACE_ENV } });
    try {
      clock.set('2026-04-05T22:00:00Z'); // Monday 6 April 00:00 CEST
      await Promise.all([closer().runOnce(), closer(replica).runOnce()]);
      expect((await week(e, '2026-03-30')).body).toMatchObject({ status: 'in_review', entryCount: 3 });

      clock.advance(DAY);
      await act(e, e.client, `2026-03-30/entries/${b.body.id}/dispute`, { reason: 'Double-counted' }).expect(200);
      await act(e, e.client, `2026-03-30/entries/${c.body.id}/dispute`, { reason: 'Who is this?' }).expect(200);
      expect(code(await act(e, e.client, `2026-03-30/entries/${b.body.id}/dispute/concede`))).toBe('403 forbidden');
      const conceded = await act(e, e.freelancer, `2026-03-30/entries/${b.body.id}/dispute/concede`);
      expect(conceded.body.entries.find((x: { id: string }) => x.id === b.body.id)).toMatchObject({ review: 'dropped' });

      // The review window (5 days from the close) lapses: both replicas poll at once, one approves.
      clock.set(new Date(Date.parse('2026-04-05T22:00:00Z') + 5 * DAY + MINUTE));
      const rounds = await Promise.all([reviewer().runOnce(), reviewer(replica).runOnce()]);
      expect(rounds.reduce((n, r) => n + r.approved, 0)).toBeGreaterThanOrEqual(1);
      const lapsed = (await week(e, '2026-03-30')).body;
      expect(lapsed).toMatchObject({ status: 'approved', approvedBy: 'review_lapsed', batches: [{ batch: 0, entryCount: 1 }] });
      expect(code(await act(e, e.client, `2026-03-30/entries/${a.body.id}/dispute`, { reason: 'late' }))).toBe(
        '409 time_week_review_closed',
      );

      // The collaborator's entry: the freelancer's owner never answered by the response deadline (5 days), so it is dropped.
      clock.set(new Date(Date.parse('2026-04-06T22:00:00Z') + 5 * DAY + MINUTE));
      await Promise.all([reviewer().runOnce(), reviewer(replica).runOnce()]);
      const after = (await week(e, '2026-03-30')).body;
      expect(after.entries.find((x: { id: string }) => x.id === c.body.id)).toMatchObject({
        review: 'dropped',
        dispute: { status: 'lapsed' },
      });
      expect(after.batches).toHaveLength(1);

      await tap.waitFor(() => weekEvents(e).length >= 4);
      await new Promise((r) => setTimeout(r, 300));
      expect(weekEvents(e).map((x) => x.routingKey)).toEqual([
        TimesheetEvents.weekClosed,
        TimesheetEvents.entryDisputed,
        TimesheetEvents.entryDisputed,
        TimesheetEvents.weekApproved,
      ]);
      expect(weekEvents(e)[3].body.data).toMatchObject({
        batch: 0,
        approvedBy: 'review_lapsed',
        actorUserId: null,
        entries: [expect.objectContaining({ entryId: a.body.id, seconds: 3600 })],
        disputedEntryIds: [c.body.id],
      });
      const [{ n }] = await db.query(`select count(*)::int as n from time_weeks where workspace_id = $1`, [e.workspaceId]);
      expect(n).toBe(1);
    } finally {
      await replica.close();
    }
  });

  it('approves once when the client accepts just as the review window lapses', async () => {
    clock.set('2026-04-08T12:00:00Z');
    const e = await hourly();
    await log(e, e.freelancer, '2026-04-07T07:00:00Z', 40).expect(201);
    clock.set('2026-04-12T22:00:00Z'); // Monday 13 April 00:00 CEST
    await closer().runOnce();
    clock.advance(5 * DAY);
    const [accepted] = await Promise.all([act(e, e.client, '2026-04-06/accept'), reviewer().runOnce()]);
    expect(['200', '409 time_week_review_closed']).toContain(code(accepted));
    const approvedBy = accepted.status === 200 ? 'client' : 'review_lapsed';
    expect((await week(e, '2026-04-06')).body).toMatchObject({ status: 'approved', approvedBy, batches: [{ batch: 0 }] });
    await tap.waitFor(() => weekEvents(e).some((x) => x.routingKey === TimesheetEvents.weekApproved));
    await new Promise((r) => setTimeout(r, 300));
    const approvals = weekEvents(e).filter((x) => x.routingKey === TimesheetEvents.weekApproved);
    expect(approvals.map((x) => (x.body.data as { approvedBy: string }).approvedBy)).toEqual([approvedBy]);
  });

  it("applies billing's facts: the payment method, a failed charge that blocks new time, and the payment that unblocks it, whatever the order", async () => {
    clock.set('2026-04-22T12:00:00Z');
    const e = await hourly();
    await log(e, e.freelancer, '2026-04-20T07:00:00Z', 60).expect(201);
    clock.set('2026-04-26T22:00:00Z'); // Monday 27 April 00:00 CEST
    await closer().runOnce();
    clock.set('2026-04-28T12:00:00Z');
    await act(e, e.client, '2026-04-20/accept').expect(200);

    const billing = await BillingPublisher.connect(platform.amqpUrl);
    const envelope = (type: string, version: number, data: object): EventEnvelope => ({
      id: randomUUID(),
      type,
      tenant: { accountId: e.accountId, workspaceId: e.workspaceId },
      aggregateId: e.contractId,
      aggregateVersion: version,
      occurredAt: clock.now().toISOString(),
      data,
    });
    const ref = {
      contractId: e.contractId,
      workspaceId: e.workspaceId,
      accountId: e.accountId,
      weekStart: '2026-04-20',
      timeZone: 'Europe/Berlin',
    };
    const charge = { ...ref, batch: 0, invoiceId: randomUUID(), invoiceNumber: 'INV-1', amountMinor: 6000, currency: 'EUR' };
    try {
      const saved = envelope(TimesheetEvents.paymentMethodSaved, 1, {
        contractId: e.contractId,
        workspaceId: e.workspaceId,
        accountId: e.accountId,
        brand: 'visa',
        last4: '4242',
        savedByUserId: e.client.userId,
      });
      const failed = envelope(TimesheetEvents.weekPaymentFailed, 2, {
        ...charge,
        attempt: 1,
        declineCode: 'card_declined',
        willRetryAt: null,
      });
      await billing.publish(saved);
      await billing.publish(failed);
      await billing.publish(failed); // redelivered: the inbox takes it once
      await waitForInbox(db, [saved.id, failed.id]);

      expect(
        (
          await api()
            .get(`${ws(e)}/hourly-contract`)
            .set(bearer(e.viewer.token))
        ).body.paymentMethod,
      ).toEqual({ brand: 'visa', last4: '4242' });
      expect((await week(e, '2026-04-20')).body).toMatchObject({
        status: 'payment_failed',
        batches: [{ payment: 'failed', declineCode: 'card_declined' }],
      });
      expect(code(await log(e, e.freelancer, '2026-04-27T07:00:00Z', 30))).toBe('409 hourly_week_unpaid');
      expect(
        code(
          await api()
            .post(`${ws(e)}/timer/start`)
            .set(bearer(e.collaborator.token))
            .send({}),
        ),
      ).toBe('409 hourly_week_unpaid');

      const paid = envelope(TimesheetEvents.weekPaid, 3, {
        ...charge,
        platformFeeMinor: 600,
        transferredMinor: 5400,
        paidAt: clock.now().toISOString(),
      });
      // A retry's failure that billing sent before the payment, arriving after it: the payment wins.
      const lateFailure = envelope(TimesheetEvents.weekPaymentFailed, 4, {
        ...charge,
        attempt: 2,
        declineCode: 'card_declined',
        willRetryAt: null,
      });
      await billing.publish(paid);
      await billing.publish(lateFailure);
      await waitForInbox(db, [paid.id, lateFailure.id]);
      expect((await week(e, '2026-04-20')).body).toMatchObject({ status: 'paid', batches: [{ payment: 'paid' }] });
      expect((await log(e, e.freelancer, '2026-04-27T07:00:00Z', 30)).status).toBe(201);
    } finally {
      await billing.close();
    }
  });
});
