import request from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, MutableClock, RunningPlatform, SignedUpUser, startPlatform } from '@fpms/harness';
import { engagement, Engagement, MILESTONE_ONLY_WORKSPACE_ENV, systemDb } from '../milestones/support';

type Entry = { id: string; userId: string; day: string; durationMinutes: number; taskId: string | null; milestoneId: string | null };

describe('time tracking: entries, the timer, hourly contracts and timesheets', () => {
  // A Monday noon (UTC); every entry below lies in the past of this clock.
  const clock = new MutableClock('2026-04-06T12:00:00Z');
  let platform: RunningPlatform;
  let db: DataSource;
  const api = () => request(platform.gatewayUrl);
  const ws = (e: Engagement) => `/api/v1/workspaces/${e.workspaceId}`;
  const log = (e: Engagement, who: SignedUpUser, body: object) =>
    api()
      .post(`${ws(e)}/time-entries`)
      .set(bearer(who.token))
      .send(body);
  const at = (iso: string, minutes: number) => ({
    startedAt: iso,
    endedAt: new Date(Date.parse(iso) + minutes * 60_000).toISOString(),
  });
  const summary = (e: Engagement, week: string, who: SignedUpUser = e.viewer) =>
    api()
      .get(`${ws(e)}/time-entries/summary?week=${week}`)
      .set(bearer(who.token));
  const code = (res: { status: number; body: { error?: { code: string } } }) => `${res.status} ${res.body.error?.code ?? ''}`.trim();

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace'], clock, env: { workspace: MILESTONE_ONLY_WORKSPACE_ENV } });
    db = await systemDb(platform);
  });

  afterAll(async () => {
    await db?.destroy();
    await platform?.close();
  });

  it('logs manual spans on the freelancer side only, and refuses overlaps, foreign tasks and future time', async () => {
    const e = await engagement(platform);
    const first = await log(e, e.freelancer, { ...at('2026-03-02T09:00:00Z', 60), note: 'Wireframes' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      durationMinutes: 60,
      day: '2026-03-02',
      weekStart: '2026-03-02',
      source: 'manual',
      userId: e.freelancer.userId,
    });

    expect(code(await log(e, e.freelancer, at('2026-03-02T09:30:00Z', 60)))).toBe('409 time_entry_overlaps');
    // Spans are half-open: one may start where the other ends; another member's time is theirs.
    expect((await log(e, e.freelancer, at('2026-03-02T10:00:00Z', 30))).status).toBe(201);
    expect((await log(e, e.collaborator, at('2026-03-02T09:00:00Z', 60))).status).toBe(201);
    // The client pays for hours; they do not log them.
    expect(code(await log(e, e.client, at('2026-03-03T09:00:00Z', 60)))).toBe('403 forbidden');
    expect(code(await log(e, e.viewer, at('2026-03-03T09:00:00Z', 60)))).toBe('403 forbidden');

    expect(code(await log(e, e.freelancer, { startedAt: '2026-03-03T10:00:00Z', endedAt: '2026-03-03T09:00:00Z' }))).toBe(
      '422 invalid_time_span',
    );
    expect(code(await log(e, e.freelancer, at('2026-04-06T11:30:00Z', 60)))).toBe('422 time_entry_in_future');
    expect(code(await log(e, e.freelancer, at('2026-03-03T00:00:00Z', 25 * 60)))).toBe('422 time_entry_too_long');
    expect(code(await log(e, e.freelancer, { startedAt: '2026-03-03 10:00', endedAt: '2026-03-03T11:00:00Z' }))).toBe(
      '400 validation_failed',
    );

    // A task of another workspace, even of the same account, is not this workspace's.
    const other = await api().post('/api/v1/workspaces').set(bearer(e.freelancer.token)).send({ name: 'Other engagement' });
    const foreignTask = await api()
      .post(`/api/v1/workspaces/${other.body.id}/tasks`)
      .set(bearer(e.freelancer.token))
      .send({ title: 'Elsewhere' });
    expect(code(await log(e, e.freelancer, { ...at('2026-03-03T09:00:00Z', 30), taskId: foreignTask.body.id }))).toBe('422 unknown_task');
    const task = await api()
      .post(`${ws(e)}/tasks`)
      .set(bearer(e.freelancer.token))
      .send({ title: 'Homepage' });
    expect((await log(e, e.freelancer, { ...at('2026-03-03T09:00:00Z', 30), taskId: task.body.id })).body.taskId).toBe(task.body.id);

    // Everyone reads the timesheet; only the author changes an entry.
    const list = await api()
      .get(`${ws(e)}/time-entries?userId=${e.freelancer.userId}&limit=2`)
      .set(bearer(e.viewer.token));
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    const rest = await api()
      .get(`${ws(e)}/time-entries?userId=${e.freelancer.userId}&before=${list.body.nextBefore}`)
      .set(bearer(e.viewer.token));
    expect(rest.body).toMatchObject({ items: [expect.objectContaining({ id: first.body.id })], nextBefore: null });
    const inMarch2 = await api()
      .get(`${ws(e)}/time-entries?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z`)
      .set(bearer(e.client.token));
    expect(inMarch2.body.items).toHaveLength(3);
    expect(
      code(
        await api()
          .patch(`${ws(e)}/time-entries/${first.body.id}`)
          .set(bearer(e.collaborator.token))
          .send({ note: 'mine' }),
      ),
    ).toBe('403 time_entry_not_yours');
    const moved = await api()
      .patch(`${ws(e)}/time-entries/${first.body.id}`)
      .set(bearer(e.freelancer.token))
      .send({ expectedVersion: 1, ...at('2026-03-04T09:00:00Z', 45) });
    expect(moved.body).toMatchObject({ day: '2026-03-04', durationMinutes: 45, version: 2, note: 'Wireframes' });
    expect(
      code(
        await api()
          .patch(`${ws(e)}/time-entries/${first.body.id}`)
          .set(bearer(e.freelancer.token))
          .send({ expectedVersion: 1, note: 'x' }),
      ),
    ).toBe('409 time_entry_version_conflict');
    expect(
      code(
        await api()
          .patch(`${ws(e)}/time-entries/${first.body.id}`)
          .set(bearer(e.freelancer.token))
          .send(at('2026-03-02T10:15:00Z', 30)),
      ),
    ).toBe('409 time_entry_overlaps');
  });

  it('runs one timer per user across every workspace, even when started at once', async () => {
    const e = await engagement(platform);
    const start = (where: string, who = e.freelancer) => api().post(`${where}/timer/start`).set(bearer(who.token)).send({ note: 'Focus' });
    const starts = await Promise.all(Array.from({ length: 5 }, () => start(ws(e))));
    expect(starts.map(code).sort()).toEqual([
      '201',
      '409 timer_already_running',
      '409 timer_already_running',
      '409 timer_already_running',
      '409 timer_already_running',
    ]);
    const other = await api().post('/api/v1/workspaces').set(bearer(e.freelancer.token)).send({ name: 'Second client' });
    expect(code(await start(`/api/v1/workspaces/${other.body.id}`))).toBe('409 timer_already_running');
    expect((await start(ws(e), e.collaborator)).status).toBe(201);

    const running = await api()
      .get(`${ws(e)}/timer`)
      .set(bearer(e.freelancer.token));
    expect(running.body.running).toMatchObject({ endedAt: null, note: 'Focus', day: null });
    clock.advance(30 * 60_000);
    // Time inside the running timer's span is already counted.
    expect(code(await log(e, e.freelancer, at(new Date(clock.now().getTime() - 10 * 60_000).toISOString(), 5)))).toBe(
      '409 time_entry_overlaps',
    );
    const stopped = await api()
      .post(`${ws(e)}/timer/stop`)
      .set(bearer(e.freelancer.token))
      .send({});
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ clippedToCap: false, entry: { durationMinutes: 30, source: 'timer', note: 'Focus' } });
    expect(
      (
        await api()
          .get(`${ws(e)}/timer`)
          .set(bearer(e.freelancer.token))
      ).body.running,
    ).toBeNull();
    expect(
      code(
        await api()
          .post(`${ws(e)}/timer/stop`)
          .set(bearer(e.freelancer.token))
          .send({}),
      ),
    ).toBe('409 no_timer_running');
    // Stopped, the freelancer may start one elsewhere.
    expect((await start(`/api/v1/workspaces/${other.body.id}`)).status).toBe(201);
    await api().post(`/api/v1/workspaces/${other.body.id}/timer/stop`).set(bearer(e.freelancer.token)).send({});
    expect(code(await start(ws(e), e.client))).toBe('403 forbidden');
    await api()
      .post(`${ws(e)}/timer/stop`)
      .set(bearer(e.collaborator.token))
      .send({});
  });

  it('caps the week of an active hourly contract across its members, and records its changes', async () => {
    const e = await engagement(platform);
    const contract = () =>
      api()
        .get(`${ws(e)}/hourly-contract`)
        .set(bearer(e.viewer.token));
    expect(code(await contract())).toBe('404 hourly_contract_not_found');
    const propose = (who: SignedUpUser) =>
      api()
        .post(`${ws(e)}/hourly-contract`)
        .set(bearer(who.token))
        .send({ rateMinor: 6000, currency: 'eur', weeklyCapHours: 2 });
    expect(code(await propose(e.collaborator))).toBe('403 forbidden');
    const proposed = await propose(e.freelancer);
    expect(proposed.status).toBe(201);
    expect(proposed.body).toMatchObject({ status: 'proposed', rateMinor: 6000, currency: 'EUR', weeklyCapHours: 2 });
    expect(code(await propose(e.freelancer))).toBe('409 hourly_contract_exists');
    const accept = (who: SignedUpUser, contractId: string) =>
      api()
        .post(`${ws(e)}/hourly-contract/accept`)
        .set(bearer(who.token))
        .send({ contractId });
    expect(code(await accept(e.freelancer, proposed.body.id))).toBe('403 forbidden');
    expect(code(await accept(e.client, e.workspaceId))).toBe('404 hourly_contract_not_found');

    // Before acceptance nothing is capped.
    const early = await log(e, e.freelancer, at('2026-03-30T08:00:00Z', 150));
    expect(early.status).toBe(201);
    await api()
      .delete(`${ws(e)}/time-entries/${early.body.id}`)
      .set(bearer(e.freelancer.token))
      .expect(204);

    expect((await accept(e.client, proposed.body.id)).body).toMatchObject({ status: 'active', acceptedBy: e.client.userId });
    expect((await contract()).body.status).toBe('active');

    // Two hours a week, both members together.
    const mine = await log(e, e.freelancer, at('2026-03-30T08:00:00Z', 90));
    const theirs = await log(e, e.collaborator, at('2026-03-31T08:00:00Z', 30));
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    const over = await log(e, e.freelancer, at('2026-04-01T08:00:00Z', 1));
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({
      code: 'weekly_cap_exceeded',
      details: { weekStart: '2026-03-30', weeklyCapHours: 2, loggedMinutes: 120, requestedMinutes: 1 },
    });
    // Another week has its own two hours; shrinking an entry always passes, growing it is counted.
    expect((await log(e, e.freelancer, at('2026-03-23T08:00:00Z', 120))).status).toBe(201);
    const patch = (id: string, body: object) =>
      api()
        .patch(`${ws(e)}/time-entries/${id}`)
        .set(bearer(e.freelancer.token))
        .send(body);
    expect((await patch(mine.body.id, at('2026-03-30T08:00:00Z', 60))).status).toBe(200);
    expect(code(await patch(mine.body.id, at('2026-03-30T08:00:00Z', 91)))).toBe('409 weekly_cap_exceeded');
    expect((await patch(mine.body.id, at('2026-03-30T08:00:00Z', 90))).status).toBe(200);

    // This week: a full week refuses a timer; one started with time left stops where the cap is reached.
    expect((await log(e, e.collaborator, at('2026-04-06T08:00:00Z', 100))).status).toBe(201);
    const timer = await api()
      .post(`${ws(e)}/timer/start`)
      .set(bearer(e.freelancer.token))
      .send({});
    expect(timer.status).toBe(201);
    clock.advance(45 * 60_000);
    const stopped = await api()
      .post(`${ws(e)}/timer/stop`)
      .set(bearer(e.freelancer.token))
      .send({});
    expect(stopped.body).toMatchObject({ clippedToCap: true, entry: { durationMinutes: 20 } });
    expect(
      code(
        await api()
          .post(`${ws(e)}/timer/start`)
          .set(bearer(e.freelancer.token))
          .send({}),
      ),
    ).toBe('409 weekly_cap_exceeded');
    expect((await summary(e, '2026-W15')).body).toMatchObject({ totalMinutes: 120, weeklyCapHours: 2 });

    // Either side's admin ends it; then nothing is capped.
    expect(
      code(
        await api()
          .post(`${ws(e)}/hourly-contract/end`)
          .set(bearer(e.collaborator.token))
          .send({}),
      ),
    ).toBe('403 forbidden');
    expect(
      (
        await api()
          .post(`${ws(e)}/hourly-contract/end`)
          .set(bearer(e.client.token))
          .send({})
      ).body.status,
    ).toBe('ended');
    expect((await log(e, e.freelancer, at('2026-04-01T08:00:00Z', 1))).status).toBe(201);

    const activity = await api()
      .get(`${ws(e)}/activity?limit=200`)
      .set(bearer(e.freelancer.token));
    expect(
      activity.body.items
        .map((a: { action: string }) => a.action)
        .filter((a: string) => a.startsWith('hourly_contract.'))
        .reverse(),
    ).toEqual(['hourly_contract.proposed', 'hourly_contract.activated', 'hourly_contract.ended']);
    const events: Array<{ routing_key: string }> = await db.query(
      `select routing_key from outbox_messages where payload->'data'->>'workspaceId' = $1`,
      [e.workspaceId],
    );
    const keys = events.map((r) => r.routing_key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'workspace.hourly_contract.proposed',
        'workspace.hourly_contract.activated',
        'workspace.hourly_contract.ended',
        'workspace.time_entry.recorded',
        'workspace.time_entry.updated',
        'workspace.time_entry.deleted',
      ]),
    );
  });

  it("begins weeks on Monday 00:00 in the account's time zone, across the change to summer time", async () => {
    const e = await engagement(platform);
    const setZone = (who: SignedUpUser, timeZone: string) =>
      api()
        .put(`${ws(e)}/time-zone`)
        .set(bearer(who.token))
        .send({ timeZone });
    expect(code(await setZone(e.collaborator, 'Europe/Berlin'))).toBe('403 forbidden');
    expect(code(await setZone(e.freelancer, 'Mars/Olympus'))).toBe('400 validation_failed');
    expect(code(await setZone(e.freelancer, '+01:00'))).toBe('400 validation_failed');
    expect((await setZone(e.freelancer, 'Europe/Berlin')).body).toEqual({ timeZone: 'Europe/Berlin' });

    // Berlin moves from UTC+1 to UTC+2 at 01:00 UTC on Sunday 29 March 2026.
    const mondayEarly = await log(e, e.freelancer, at('2026-03-22T23:30:00Z', 30)); // Mon 23 Mar, 00:30 CET
    const acrossTheJump = await log(e, e.freelancer, at('2026-03-29T00:30:00Z', 60)); // Sun 01:30 CET → 03:30 CEST
    const sundayLate = await log(e, e.freelancer, at('2026-03-29T21:00:00Z', 30)); // Sun 23:00 CEST
    const nextMonday = await log(e, e.freelancer, at('2026-03-29T22:30:00Z', 30)); // Mon 30 Mar, 00:30 CEST
    expect([mondayEarly, acrossTheJump, sundayLate, nextMonday].map((r) => [r.body.day, r.body.weekStart, r.body.durationMinutes])).toEqual(
      [
        ['2026-03-23', '2026-03-23', 30],
        ['2026-03-29', '2026-03-23', 60],
        ['2026-03-29', '2026-03-23', 30],
        ['2026-03-30', '2026-03-30', 30],
      ],
    );
    const w13 = await summary(e, '2026-W13');
    expect(w13.status).toBe(200);
    expect(w13.body).toMatchObject({ weekStart: '2026-03-23', timeZone: 'Europe/Berlin', totalMinutes: 120, entries: 3 });
    expect(w13.body.days.map((d: { minutes: number }) => d.minutes)).toEqual([30, 0, 0, 0, 0, 0, 90]);
    expect((await summary(e, '2026-W14')).body).toMatchObject({ weekStart: '2026-03-30', totalMinutes: 30 });
    expect(code(await summary(e, '2025-W53'))).toBe('400 validation_failed');
    // Once time is logged, the zone stays: every counted day and week would move.
    expect(code(await setZone(e.freelancer, 'UTC'))).toBe('409 time_zone_locked');
  });

  it('keeps every total equal to the sum of the entries through creates, edits and deletes', async () => {
    const e = await engagement(platform);
    const task = (
      await api()
        .post(`${ws(e)}/tasks`)
        .set(bearer(e.freelancer.token))
        .send({ title: 'Build' })
    ).body.id as string;
    const milestone = (
      await api()
        .post(`${ws(e)}/milestones`)
        .set(bearer(e.freelancer.token))
        .send({ title: 'Phase 1', amount: 10_000, currency: 'EUR' })
    ).body.id as string;
    const ids: Array<[SignedUpUser, string]> = [];
    const plan: Array<[SignedUpUser, string, number, object]> = [
      [e.freelancer, '2026-03-16T08:00:00Z', 45, { taskId: task }],
      [e.freelancer, '2026-03-16T09:00:00Z', 30, { milestoneId: milestone }],
      [e.freelancer, '2026-03-17T22:30:00Z', 90, { taskId: task, milestoneId: milestone }],
      [e.collaborator, '2026-03-16T08:00:00Z', 60, {}],
      [e.collaborator, '2026-03-20T13:00:00Z', 15, { taskId: task }],
      [e.collaborator, '2026-03-22T20:00:00Z', 120, {}],
    ];
    for (const [who, start, minutes, refs] of plan) {
      const res = await log(e, who, { ...at(start, minutes), ...refs });
      expect(res.status).toBe(201);
      ids.push([who, res.body.id]);
    }
    const patch = ([who, id]: [SignedUpUser, string], body: object) =>
      api()
        .patch(`${ws(e)}/time-entries/${id}`)
        .set(bearer(who.token))
        .send(body)
        .expect(200);
    await patch(ids[0], { taskId: null, milestoneId: milestone });
    await patch(ids[1], at('2026-03-19T09:00:00Z', 75));
    await patch(ids[3], { taskId: task, ...at('2026-03-21T08:00:00Z', 40) });
    await patch(ids[5], at('2026-03-23T08:00:00Z', 30)); // into the next week
    await api()
      .delete(`${ws(e)}/time-entries/${ids[4][1]}`)
      .set(bearer(e.collaborator.token))
      .expect(204);

    const entries: Entry[] = (
      await api()
        .get(`${ws(e)}/time-entries?limit=200&from=2026-03-16T00:00:00Z&to=2026-03-23T00:00:00Z`)
        .set(bearer(e.client.token))
    ).body.items;
    expect(entries).toHaveLength(4);
    const total = (pick: (x: Entry) => boolean) => entries.filter(pick).reduce((n, x) => n + x.durationMinutes, 0);
    const sheet = (await summary(e, '2026-W12')).body;
    expect(sheet.totalMinutes).toBe(total(() => true));
    expect(sheet.entries).toBe(entries.length);
    for (const d of sheet.days) expect([d.day, d.minutes]).toEqual([d.day, total((x) => x.day === d.day)]);
    expect(Object.fromEntries(sheet.members.map((m: { userId: string; minutes: number }) => [m.userId, m.minutes]))).toEqual({
      [e.freelancer.userId]: total((x) => x.userId === e.freelancer.userId),
      [e.collaborator.userId]: total((x) => x.userId === e.collaborator.userId),
    });
    const byTask = Object.fromEntries(sheet.tasks.map((t: { taskId: string | null; minutes: number }) => [String(t.taskId), t.minutes]));
    expect(byTask).toEqual({ [task]: total((x) => x.taskId === task), null: total((x) => x.taskId === null) });
    const byMilestone = Object.fromEntries(
      sheet.milestones.map((m: { milestoneId: string | null; minutes: number }) => [String(m.milestoneId), m.minutes]),
    );
    expect(byMilestone).toEqual({ [milestone]: total((x) => x.milestoneId === milestone), null: total((x) => x.milestoneId === null) });
    // The figures themselves, so a summary and a list that were both wrong cannot agree.
    expect(sheet.totalMinutes).toBe(45 + 75 + 90 + 40);
    expect((await summary(e, '2026-W13')).body.totalMinutes).toBe(30);
    // One member's sheet.
    expect(
      (
        await api()
          .get(`${ws(e)}/time-entries/summary?week=2026-W12&userId=${e.collaborator.userId}`)
          .set(bearer(e.viewer.token))
      ).body.totalMinutes,
    ).toBe(40);
  });

  it("refuses changes to a billed week's entries, and new time in that week", async () => {
    const e = await engagement(platform);
    const billed = await log(e, e.freelancer, at('2026-03-09T09:00:00Z', 60));
    const open = await log(e, e.freelancer, at('2026-03-16T09:00:00Z', 60));
    // What billing's weekly cycle will do once the week is charged.
    await db.query(`update time_entries set locked_at = now() where id = $1`, [billed.body.id]);
    const entry = (id: string) => `${ws(e)}/time-entries/${id}`;
    expect(code(await api().patch(entry(billed.body.id)).set(bearer(e.freelancer.token)).send({ note: 'late edit' }))).toBe(
      '409 time_entry_locked',
    );
    expect(code(await api().delete(entry(billed.body.id)).set(bearer(e.freelancer.token)))).toBe('409 time_entry_locked');
    expect(code(await log(e, e.freelancer, at('2026-03-11T09:00:00Z', 30)))).toBe('409 time_entry_locked');
    expect(code(await api().patch(entry(open.body.id)).set(bearer(e.freelancer.token)).send(at('2026-03-10T09:00:00Z', 30)))).toBe(
      '409 time_entry_locked',
    );
    expect((await api().patch(entry(open.body.id)).set(bearer(e.freelancer.token)).send({ note: 'fine' })).status).toBe(200);
    const sheet = (await summary(e, '2026-W11')).body;
    expect(sheet).toMatchObject({ totalMinutes: 60, entries: 1 });
  });
});
