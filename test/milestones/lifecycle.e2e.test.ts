import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { BillingEvents, MILESTONE_COMMAND_VALUES, MILESTONE_STATUS_VALUES, type MilestoneCommandValue } from '@fpms/contracts';
import { bearer, RunningPlatform, signUp, tapEvents } from '@fpms/harness';
import {
  BillingPublisher,
  Engagement,
  FILE_VERSION,
  fundedMilestone,
  milestoneApi,
  waitForInbox,
  MilestoneWorld,
  startMilestoneWorld,
} from './support';

const ROUTE: Record<MilestoneCommandValue, string> = {
  propose: 'propose',
  decline: 'decline',
  accept: 'accept',
  start_funding: 'fund',
  submit: 'submit',
  request_changes: 'request-changes',
  approve: 'approve',
  cancel: 'cancel',
  request_refund: 'request-refund',
  open_dispute: 'dispute',
  withdraw_dispute: 'withdraw-dispute',
};

describe('milestone lifecycle through the gateway', () => {
  let platform: RunningPlatform;
  let billing: BillingPublisher;
  let system: DataSource;
  let e: Engagement;
  let ms: ReturnType<typeof milestoneApi>;

  let world: MilestoneWorld;

  beforeAll(async () => {
    world = await startMilestoneWorld();
    ({ platform, billing, system, e, ms } = world);
  });

  afterAll(async () => {
    await world?.close();
  });

  it('runs draft → proposed → accepted → funding → funded → submitted → approved → released, money following billing', async () => {
    const tap = await tapEvents(['workspace.milestone.#'], { amqpUrl: platform.amqpUrl });
    try {
      const created = await ms.create(e.freelancer, {
        title: 'Landing page',
        description: 'Hero + 3 sections',
        amount: 250_000,
        currency: 'eur',
        dueDate: '2030-01-31',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        status: 'draft',
        amount: 250_000,
        currency: 'EUR',
        dueDate: '2030-01-31',
        reviewWindowDays: 14,
        version: 1,
      });
      const id = created.body.id as string;

      expect((await ms.act(e.freelancer, id, 'propose')).body.status).toBe('proposed');
      expect((await ms.act(e.client, id, 'accept')).body.status).toBe('accepted');
      expect((await ms.act(e.client, id, 'fund')).body.status).toBe('funding');
      // Nobody can make it funded through the API: only billing's event does.
      let dash = (await ms.dashboard(e.client)).body;
      expect(dash.money).toEqual([{ currency: 'EUR', contracted: 250_000, inEscrow: 0, released: 0, refunded: 0, disputed: 0, paid: 0 }]);

      const m = { id, amount: 250_000, currency: 'EUR', workspaceId: e.workspaceId, accountId: e.accountId };
      const funded = await billing.milestone(BillingEvents.milestoneFunded, m, 1);
      await waitForInbox(system, [funded.id]);
      expect((await ms.get(e.viewer, id)).body.status).toBe('funded');
      dash = (await ms.dashboard(e.freelancer)).body;
      expect(dash.money[0]).toMatchObject({ contracted: 250_000, inEscrow: 250_000, paid: 250_000 });

      const deliverable = FILE_VERSION();
      const submitted = await ms.act(e.collaborator, id, 'submit', { deliverableFileVersionId: deliverable, note: 'v1 ready' });
      expect(submitted.status).toBe(200);
      expect(submitted.body).toMatchObject({ status: 'submitted', deliverableFileVersionId: deliverable });
      expect(new Date(submitted.body.reviewDueAt).getTime() - new Date(submitted.body.submittedAt).getTime()).toBe(14 * 86_400_000);

      const approved = await ms.act(e.client, id, 'approve');
      expect(approved.body).toMatchObject({
        status: 'approved',
        approvedBy: 'client',
        deliverableFileVersionId: deliverable,
        reviewDueAt: null,
      });
      // Approval does not release money by itself: billing releases on workspace.milestone.approved.
      const out = await tap.waitFor((events) => events.some((x) => x.routingKey === 'workspace.milestone.approved'));
      const approvedEvent = out.find((x) => x.routingKey === 'workspace.milestone.approved')!;
      expect(approvedEvent.body).toMatchObject({
        aggregateId: id,
        tenant: { accountId: e.accountId, workspaceId: e.workspaceId },
        data: {
          milestoneId: id,
          amount: 250_000,
          currency: 'EUR',
          status: 'approved',
          previousStatus: 'submitted',
          approvedBy: 'client',
          deliverableFileVersionId: deliverable,
          actorUserId: e.client.userId,
        },
      });
      expect((await ms.dashboard(e.client)).body.money[0]).toMatchObject({ inEscrow: 250_000, released: 0 });

      const released = await billing.milestone(BillingEvents.milestoneReleased, m, 2);
      await waitForInbox(system, [released.id]);
      expect((await ms.get(e.client, id)).body.status).toBe('released');
      dash = (await ms.dashboard(e.viewer)).body;
      expect(dash.money).toEqual([
        { currency: 'EUR', contracted: 250_000, inEscrow: 0, released: 250_000, refunded: 0, disputed: 0, paid: 250_000 },
      ]);
      expect(dash.milestones).toMatchObject({ total: 1, open: 0, byStatus: expect.objectContaining({ released: 1, approved: 0 }) });

      const account = await ms.accountDashboard(e.freelancer);
      expect(account.status).toBe(200);
      expect(account.body).toMatchObject({ accountId: e.accountId, workspaces: { total: 1 }, milestones: { total: 1, open: 0 } });
      expect(account.body.money).toEqual([
        { currency: 'EUR', contracted: 250_000, inEscrow: 0, released: 250_000, refunded: 0, disputed: 0, paid: 250_000 },
      ]);

      // Exactly the member-caused events, in order; billing-driven changes publish nothing new.
      await new Promise((r) => setTimeout(r, 300));
      expect(tap.events.filter((x) => x.body.aggregateId === id).map((x) => x.routingKey)).toEqual([
        'workspace.milestone.proposed',
        'workspace.milestone.accepted',
        'workspace.milestone.funding_requested',
        'workspace.milestone.submitted',
        'workspace.milestone.approved',
      ]);

      // Every status change is in the activity log: actor, from → to, request id.
      const activity = (await ms.activity(e.freelancer)).body.items.filter((a: { targetId: string }) => a.targetId === id).reverse();
      expect(
        activity.map((a: { action: string; before: { status?: string } | null; after: { status: string } }) => [
          a.action,
          a.before?.status ?? null,
          a.after.status,
        ]),
      ).toEqual([
        ['milestone.created', null, 'draft'],
        ['milestone.status_changed', 'draft', 'proposed'],
        ['milestone.status_changed', 'proposed', 'accepted'],
        ['milestone.status_changed', 'accepted', 'funding'],
        ['milestone.status_changed', 'funding', 'funded'],
        ['milestone.status_changed', 'funded', 'submitted'],
        ['milestone.status_changed', 'submitted', 'approved'],
        ['milestone.status_changed', 'approved', 'released'],
      ]);
      expect(activity[1]).toMatchObject({ actorUserId: e.freelancer.userId, requestId: expect.any(String) });
      expect(activity[4]).toMatchObject({ actorUserId: null, after: { by: 'billing', event: 'billing.milestone.funded' } });
      expect(activity[5]).toMatchObject({
        actorUserId: e.collaborator.userId,
        after: { deliverableFileVersionId: deliverable, note: 'v1 ready' },
      });
    } finally {
      await tap.close();
    }
  });

  it('changes requested sends the work back; resubmission pins the new deliverable and restarts the window', async () => {
    const m = await fundedMilestone(platform, e, billing, system);
    const first = await ms.act(e.freelancer, m.id, 'submit', { deliverableFileVersionId: FILE_VERSION() });
    const changes = await ms.act(e.client, m.id, 'request-changes', { note: 'Logo too small' });
    expect(changes.body).toMatchObject({ status: 'changes_requested', reviewDueAt: null });
    await new Promise((r) => setTimeout(r, 20));
    const v2 = FILE_VERSION();
    const second = await ms.act(e.freelancer, m.id, 'submit', { deliverableFileVersionId: v2 });
    expect(second.body).toMatchObject({ status: 'submitted', deliverableFileVersionId: v2 });
    expect(new Date(second.body.reviewDueAt).getTime()).toBeGreaterThan(new Date(first.body.reviewDueAt).getTime());
    expect(new Date(second.body.reviewDueAt).getTime() - new Date(second.body.submittedAt).getTime()).toBe(14 * 86_400_000);
  });

  it('cancels before funding, and never after', async () => {
    const draft = (await ms.create(e.freelancer, { title: 'Maybe', amount: 1000, currency: 'USD' })).body;
    const cancelled = await ms.act(e.freelancer, draft.id, 'cancel');
    expect(cancelled.body.status).toBe('cancelled');
    const accepted = (await ms.create(e.freelancer, { title: 'Accepted then cancelled', amount: 1000, currency: 'USD' })).body;
    await ms.act(e.freelancer, accepted.id, 'propose');
    await ms.act(e.client, accepted.id, 'accept');
    expect((await ms.act(e.collaborator, accepted.id, 'cancel')).body.status).toBe('cancelled');

    const m = await fundedMilestone(platform, e, billing, system);
    const refused = await ms.act(e.freelancer, m.id, 'cancel');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'invalid_milestone_transition', details: { status: 'funded', command: 'cancel' } });
    const funding = (await ms.create(e.freelancer, { title: 'Paying', amount: 1000, currency: 'USD' })).body;
    await ms.act(e.freelancer, funding.id, 'propose');
    await ms.act(e.client, funding.id, 'accept');
    await ms.act(e.client, funding.id, 'fund');
    expect((await ms.act(e.freelancer, funding.id, 'cancel')).status).toBe(409);
  });

  it('refuses every forbidden transition with 409 invalid_milestone_transition, changing nothing', async () => {
    // One milestone parked in each reachable status, then every command that status forbids.
    const allowed: Record<string, string[]> = {
      draft: ['propose', 'cancel'],
      proposed: ['decline', 'accept', 'cancel'],
      accepted: ['start_funding', 'cancel'],
      funding: [],
      funded: ['submit', 'request_refund', 'open_dispute'],
      submitted: ['request_changes', 'approve', 'request_refund', 'open_dispute'],
      changes_requested: ['submit', 'request_refund', 'open_dispute'],
      approved: [],
      released: [],
      cancelled: [],
      refund_requested: ['open_dispute'],
      refunded: [],
      disputed: ['withdraw_dispute'],
    };
    expect(Object.keys(allowed).sort()).toEqual([...MILESTONE_STATUS_VALUES].sort());
    const parked = await parkInEveryStatus();
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const status of MILESTONE_STATUS_VALUES) {
      const id = parked[status];
      for (const command of MILESTONE_COMMAND_VALUES) {
        if (allowed[status].includes(command)) continue;
        // Whoever may do the command tries it, so the answer is the state machine's, not the matrix's.
        const who = ['propose', 'submit', 'cancel'].includes(command) ? e.freelancer : e.client;
        const res = await ms.act(who, id, ROUTE[command], command === 'submit' ? { deliverableFileVersionId: FILE_VERSION() } : {});
        outcomes.push(`${command} from ${status} → ${res.status} ${res.body.error?.code} ${res.body.error?.details?.status}`);
        expected.push(`${command} from ${status} → 409 invalid_milestone_transition ${status}`);
      }
      expect((await ms.get(e.client, id)).body.status).toBe(status);
    }
    expect(outcomes).toEqual(expected);
    expect(outcomes.length).toBeGreaterThan(100);
  });

  async function parkInEveryStatus(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const make = async (title: string) => (await ms.create(e.freelancer, { title, amount: 5000, currency: 'GBP' })).body.id as string;
    const step = async (id: string, who: typeof e.client, route: string, body: object = {}) => {
      const res = await ms.act(who, id, route, body);
      if (res.status !== 200) throw new Error(`${route}: ${res.status} ${JSON.stringify(res.body)}`);
    };
    out.draft = await make('draft');
    out.proposed = await make('proposed');
    await step(out.proposed, e.freelancer, 'propose');
    out.accepted = await make('accepted');
    await step(out.accepted, e.freelancer, 'propose');
    await step(out.accepted, e.client, 'accept');
    out.funding = await make('funding');
    await step(out.funding, e.freelancer, 'propose');
    await step(out.funding, e.client, 'accept');
    await step(out.funding, e.client, 'fund');
    out.cancelled = await make('cancelled');
    await step(out.cancelled, e.freelancer, 'cancel');
    const body = { title: 'money', amount: 5000, currency: 'GBP' };
    out.funded = (await fundedMilestone(platform, e, billing, system, body)).id;
    const sub = await fundedMilestone(platform, e, billing, system, body);
    out.submitted = sub.id;
    await step(sub.id, e.freelancer, 'submit', { deliverableFileVersionId: FILE_VERSION() });
    const cr = await fundedMilestone(platform, e, billing, system, body);
    out.changes_requested = cr.id;
    await step(cr.id, e.freelancer, 'submit', { deliverableFileVersionId: FILE_VERSION() });
    await step(cr.id, e.client, 'request-changes');
    const ap = await fundedMilestone(platform, e, billing, system, body);
    out.approved = ap.id;
    await step(ap.id, e.freelancer, 'submit', { deliverableFileVersionId: FILE_VERSION() });
    await step(ap.id, e.client, 'approve');
    const rel = await fundedMilestone(platform, e, billing, system, body);
    out.released = rel.id;
    await step(rel.id, e.freelancer, 'submit', { deliverableFileVersionId: FILE_VERSION() });
    await step(rel.id, e.client, 'approve');
    const relEvent = await billing.milestone(BillingEvents.milestoneReleased, rel, 2);
    const rr = await fundedMilestone(platform, e, billing, system, body);
    out.refund_requested = rr.id;
    await step(rr.id, e.client, 'request-refund');
    const rf = await fundedMilestone(platform, e, billing, system, body);
    out.refunded = rf.id;
    await step(rf.id, e.client, 'request-refund');
    const rfEvent = await billing.milestone(BillingEvents.milestoneRefunded, rf, 2);
    const dp = await fundedMilestone(platform, e, billing, system, body);
    out.disputed = dp.id;
    await step(dp.id, e.freelancer, 'submit', { deliverableFileVersionId: FILE_VERSION() });
    await step(dp.id, e.client, 'dispute');
    await waitForInbox(system, [relEvent.id, rfEvent.id]);
    return out;
  }

  it('checks roles (403) and hides the workspace from non-members (404)', async () => {
    const draft = (await ms.create(e.freelancer, { title: 'Roles', amount: 1000, currency: 'USD' })).body;
    const forbidden = async (who: typeof e.client, route: string) => {
      const res = await ms.act(who, draft.id, route);
      return `${route} → ${res.status} ${res.body.error?.code}`;
    };
    expect(await forbidden(e.client, 'propose')).toBe('propose → 403 forbidden');
    expect(await forbidden(e.viewer, 'propose')).toBe('propose → 403 forbidden');
    await ms.act(e.freelancer, draft.id, 'propose');
    // The freelancer side may not accept its own proposal, nor may a client viewer.
    expect(await forbidden(e.freelancer, 'accept')).toBe('accept → 403 forbidden');
    expect(await forbidden(e.collaborator, 'accept')).toBe('accept → 403 forbidden');
    expect(await forbidden(e.viewer, 'accept')).toBe('accept → 403 forbidden');
    expect((await ms.create(e.client, { title: 'x', amount: 1, currency: 'USD' })).status).toBe(403);
    // Everyone in the workspace reads.
    expect((await ms.get(e.viewer, draft.id)).status).toBe(200);
    expect((await ms.dashboard(e.viewer)).status).toBe(200);

    const stranger = await signUp(platform.gatewayUrl, 'Stranger');
    for (const res of [
      await ms.get(stranger, draft.id),
      await ms.act(stranger, draft.id, 'accept'),
      await ms.dashboard(stranger),
      await ms.list(stranger),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('workspace_not_found');
    }
    const missing = await ms.get(e.client, randomUUID());
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('milestone_not_found');
    expect((await ms.get(e.client, 'not-a-uuid')).status).toBe(404);
    // An account dashboard is its owner's alone.
    for (const who of [e.client, e.collaborator, stranger]) expect((await ms.accountDashboard(who)).status).toBe(404);
  });

  it('answers bad input with 4xx JSON errors, never 500', async () => {
    const bad: Array<[object, string]> = [
      [{ title: 'Float', amount: 10.5, currency: 'EUR' }, 'amount'],
      [{ title: 'Negative', amount: -1, currency: 'EUR' }, 'amount'],
      [{ title: 'Huge', amount: 1e16, currency: 'EUR' }, 'amount'],
      [{ title: 'String amount', amount: '100', currency: 'EUR' }, 'amount'],
      [{ title: 'Currency', amount: 100, currency: 'EURO' }, 'currency'],
      [{ title: 'Date', amount: 100, currency: 'EUR', dueDate: '2030-02-30' }, 'dueDate'],
      [{ title: 'Window', amount: 100, currency: 'EUR', reviewWindowDays: 31 }, 'reviewWindowDays'],
      [{ title: '', amount: 100, currency: 'EUR' }, 'title'],
      [{ amount: 100, currency: 'EUR', extra: true }, 'extra'],
    ];
    for (const [body, field] of bad) {
      const res = await ms.create(e.freelancer, body);
      expect({ field, status: res.status, code: res.body.error?.code }).toEqual({ field, status: 400, code: 'validation_failed' });
    }
    const draft = (await ms.create(e.freelancer, { title: 'Input', amount: 100, currency: 'EUR' })).body;
    const noDeliverable = await ms.act(e.freelancer, draft.id, 'submit', {});
    expect(noDeliverable.status).toBe(400);
    const badDeliverable = await ms.act(e.freelancer, draft.id, 'submit', { deliverableFileVersionId: 'v1.pdf' });
    expect(badDeliverable.status).toBe(400);
    expect((await ms.list(e.client, '?status=nope')).status).toBe(400);
    expect((await ms.list(e.client, '?limit=0')).status).toBe(400);
    const stale = await ms.act(e.freelancer, draft.id, 'propose', { expectedVersion: 99 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('milestone_version_conflict');
  });

  it('edits terms only in draft, and the dashboard follows the edit', async () => {
    const draft = (await ms.create(e.freelancer, { title: 'Edit me', amount: 100, currency: 'CHF', dueDate: '2020-01-01' })).body;
    const edited = await ms.patch(e.freelancer, draft.id, { amount: 300, currency: 'SEK', dueDate: null, expectedVersion: 1 });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ amount: 300, currency: 'SEK', dueDate: null, version: 2 });
    await ms.act(e.freelancer, draft.id, 'propose');
    const locked = await ms.patch(e.freelancer, draft.id, { amount: 1 });
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe('milestone_not_editable');
    expect((await ms.patch(e.client, draft.id, { amount: 1 })).status).toBe(403);
  });

  it('lists milestones newest first with a cursor', async () => {
    const page1 = await ms.list(e.client, '?limit=2');
    expect(page1.status).toBe(200);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await ms.list(e.client, `?limit=2&before=${page1.body.nextBefore}`);
    expect(page2.body.items[0].id).not.toBe(page1.body.items[1].id);
    const funded = await ms.list(e.client, '?status=funded');
    expect(funded.body.items.every((m: { status: string }) => m.status === 'funded')).toBe(true);
  });

  it('lets the owner set the workspace review window (1–30 days) for new milestones', async () => {
    const api = request(platform.gatewayUrl);
    const res = await api.patch(`/api/v1/workspaces/${e.workspaceId}`).set(bearer(e.freelancer.token)).send({ reviewWindowDays: 3 });
    expect(res.status).toBe(200);
    expect(res.body.reviewWindowDays).toBe(3);
    expect(
      (await api.patch(`/api/v1/workspaces/${e.workspaceId}`).set(bearer(e.freelancer.token)).send({ reviewWindowDays: 0 })).status,
    ).toBe(400);
    expect((await ms.create(e.freelancer, { title: 'Short review', amount: 100, currency: 'EUR' })).body.reviewWindowDays).toBe(3);
    await api.patch(`/api/v1/workspaces/${e.workspaceId}`).set(bearer(e.freelancer.token)).send({ reviewWindowDays: 14 });
  });
});
