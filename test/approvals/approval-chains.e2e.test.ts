import { randomUUID } from 'node:crypto';
import request from 'supertest';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { ApprovalRequestView, BillingPaymentsRpc, PaymentView, RpcContext } from '@fpms/contracts';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  eventually,
  inviteAndJoin,
  MutableClock,
  RunningPlatform,
  signUp,
  SignedUpUser,
} from '@fpms/harness';
import { ApprovalTimerPoller } from '../../apps/workspace/src/approvals/approval-timer.poller';
import { ReviewTimerPoller } from '../../apps/workspace/src/review-timers/review-timer.poller';
import { BillingWorld, startBillingWorld } from '../billing/billing-world';

const HOUR = 3_600_000;

/**
 * Approval chains in front of money (docs/approvals.md), against real PostgreSQL, RabbitMQ and
 * the Stripe emulator: the client's approval walks a manager gate and, above 5,000 EUR, a
 * finance gate (1 of 2); funding and the freelancer side's submission can be gated too. The
 * money moves only after the last gate, exactly once.
 */
describe('approval chains: routed, audited sign-off before money moves', () => {
  let world: BillingWorld;
  const clock = new MutableClock(new Date());
  let platform: RunningPlatform;
  let stripe: Stripe;
  let rpc: RpcClient;
  let workspaceDb: DataSource;
  let owner: SignedUpUser;
  /** The client admin who asks: requester of the client's requests. */
  let client: SignedUpUser;
  /** A second client admin: escalated gates fall to them. */
  let boss: SignedUpUser;
  let manager: SignedUpUser;
  let fin1: SignedUpUser;
  let fin2: SignedUpUser;
  let collaborator: SignedUpUser;
  let outsider: SignedUpUser;
  let outsiderWorkspace: string;
  let workspaceId: string;
  const api = () => request(platform.gatewayUrl);
  const ws = () => `/api/v1/workspaces/${workspaceId}`;
  const ms = () => `${ws()}/milestones`;

  const approvePolicy = () => ({
    gates: [
      { name: 'Reviewers', approvers: { roles: ['client_viewer'] }, required: 1 },
      {
        name: 'Finance',
        approvers: { userIds: [fin1.userId, fin2.userId] },
        required: 1,
        onlyAbove: [{ currency: 'EUR', amount: 500_000 }],
      },
    ],
  });

  beforeAll(async () => {
    ({ platform, stripe, rpc, owner, client, workspaceId } = world = await startBillingWorld({
      ownerName: 'Chain Freelancer',
      clock,
      env: {
        workspace: {
          DELIVERABLE_PINNING: 'off',
          REVIEW_TIMER_POLL_MS: '0',
          APPROVAL_TIMER_POLL_MS: '0',
          APPROVAL_REMINDER_HOURS: '24',
          APPROVAL_ESCALATION_HOURS: '72',
        },
      },
    }));
    workspaceDb = await connectServiceDb('workspace', 'system', platform.dbPrefix);
    boss = await inviteAndJoin(platform.gatewayUrl, client, workspaceId, 'client_admin');
    manager = await inviteAndJoin(platform.gatewayUrl, client, workspaceId, 'client_viewer');
    fin1 = await inviteAndJoin(platform.gatewayUrl, client, workspaceId, 'client_viewer');
    fin2 = await inviteAndJoin(platform.gatewayUrl, client, workspaceId, 'client_viewer');
    collaborator = await inviteAndJoin(platform.gatewayUrl, owner, workspaceId, 'collaborator');
    outsider = await signUp(platform.gatewayUrl, 'Other Freelancer');
    outsiderWorkspace = (await createWorkspace(platform.gatewayUrl, outsider, 'Elsewhere')).id;
    const put = await api().put(`${ws()}/approval-policies/approve`).set(bearer(client.token)).send(approvePolicy());
    expect(put.status).toBe(200);
  }, 240_000);

  afterAll(async () => {
    await workspaceDb?.destroy();
    await world?.close();
  });

  const payment = (id: string): Promise<PaymentView> => {
    const ctx: RpcContext = { requestId: randomUUID(), userId: owner.userId, accountId: owner.accountId, workspaceId, token: owner.token };
    return rpc.call(BillingPaymentsRpc.get, { workspaceId, milestoneId: id }, ctx);
  };
  const milestone = async (id: string) => (await api().get(`${ms()}/${id}`).set(bearer(owner.token))).body as { status: string };
  const accepted = async (amount: number, title = 'Chained work') => {
    const created = await api().post(ms()).set(bearer(owner.token)).send({ title, amount, currency: 'EUR', reviewWindowDays: 5 });
    const id = created.body.id as string;
    await api().post(`${ms()}/${id}/propose`).set(bearer(owner.token)).send({});
    await api().post(`${ms()}/${id}/accept`).set(bearer(client.token)).send({});
    return id;
  };
  const funded = async (id: string) => {
    const funding = await api().post(`${ms()}/${id}/fund`).set(bearer(client.token)).send();
    expect(funding.status).toBe(200);
    await platform.stripe!.emulator.control.completeCheckout((await payment(id)).stripe.checkoutSessionId as string, {
      outcome: 'success',
    });
    await eventually('funded', async () => (await milestone(id)).status === 'funded');
  };
  const submitted = async (amount: number, title?: string) => {
    const id = await accepted(amount, title);
    await funded(id);
    const sent = await api().post(`${ms()}/${id}/submit`).set(bearer(owner.token)).send({ deliverableFileVersionId: randomUUID() });
    expect(sent.status).toBe(200);
    return id;
  };
  const askApproval = async (id: string): Promise<ApprovalRequestView> => {
    const res = await api().post(`${ms()}/${id}/approve`).set(bearer(client.token)).send({});
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('submitted');
    return res.body.approvalRequest as ApprovalRequestView;
  };
  const decide = (user: SignedUpUser, requestId: string, step: 'approve' | 'reject' | 'cancel', body: object = {}) =>
    api().post(`${ws()}/approvals/${requestId}/${step}`).set(bearer(user.token)).send(body);
  const transfers = async (id: string) => (await stripe.transfers.list({ transfer_group: id })).data;
  const eventsOf = async (requestId: string) =>
    (
      (await workspaceDb.query(`select payload->>'type' as type from outbox_messages where payload->>'aggregateId' = $1 order by seq`, [
        requestId,
      ])) as Array<{ type: string }>
    ).map((r) => r.type);
  const dashboard = async (user: SignedUpUser) => (await api().get(`${ws()}/dashboard`).set(bearer(user.token))).body.approvals;

  it('below the threshold one gate: a reviewer signs off, the milestone is approved and paid out exactly once', async () => {
    const id = await submitted(100_000, 'Below');
    const ask = await askApproval(id);
    expect(ask).toMatchObject({ action: 'approve', status: 'pending', currentGate: 0, amount: 100_000, currency: 'EUR' });
    expect(ask.gates.map((g) => g.name)).toEqual(['Reviewers']);
    expect(ask.waitingFor).toEqual([manager.userId, fin1.userId, fin2.userId].sort());
    // Asking again answers the same request; the dashboard counts it for the approvers only.
    expect((await askApproval(id)).id).toBe(ask.id);
    expect(await dashboard(manager)).toEqual({ open: 1, waitingForYou: 1 });
    expect(await dashboard(client)).toEqual({ open: 1, waitingForYou: 0 });

    const own = await decide(client, ask.id, 'approve');
    expect(own.status).toBe(403);
    expect(own.body.error.code).toBe('approval_own_request');
    const notOnGate = await decide(collaborator, ask.id, 'approve');
    expect([notOnGate.status, notOnGate.body.error.code]).toEqual([403, 'approval_not_an_approver']);
    expect(await transfers(id)).toEqual([]);

    const passed = await decide(manager, ask.id, 'approve', { gate: 0, reason: 'looks right' });
    expect(passed.status).toBe(200);
    expect(passed.body).toMatchObject({ status: 'approved', currentGate: null, waitingFor: [] });
    expect(passed.body.log.map((e: { event: string }) => e.event)).toEqual(['requested', 'approved_gate', 'completed']);
    expect((await milestone(id)).status).not.toBe('submitted');
    await eventually('released', async () => (await milestone(id)).status === 'released');
    expect((await decide(fin1, ask.id, 'approve')).body.error.code).toBe('approval_not_pending');
    expect((await transfers(id)).length).toBe(1);
    expect(await eventsOf(ask.id)).toEqual(['workspace.approval.requested', 'workspace.approval.approved']);
    const activity = await api().get(`${ws()}/activity?limit=100`).set(bearer(owner.token));
    const entries = (activity.body.items as Array<{ action: string; targetId: string; actorUserId: string | null }>).filter(
      (a) => a.targetId === ask.id,
    );
    expect(entries.map((a) => [a.action, a.actorUserId]).reverse()).toEqual([
      ['approval.requested', client.userId],
      ['approval.gate_passed', manager.userId],
      ['approval.approved', manager.userId],
    ]);
  });

  it('above it both gates; a member passes one gate only, and a rejection at gate 2 stops the action', async () => {
    const id = await submitted(800_000, 'Above');
    const ask = await askApproval(id);
    expect(ask.gates.map((g) => [g.name, g.required])).toEqual([
      ['Reviewers', 1],
      ['Finance', 1],
    ]);
    expect((await decide(fin1, ask.id, 'approve', { gate: 0 })).body).toMatchObject({
      status: 'pending',
      currentGate: 1,
      waitingFor: [fin2.userId],
    });
    // fin1 is a finance member too, but passed a gate of this request already.
    const twice = await decide(fin1, ask.id, 'approve', { gate: 1 });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'approval_already_decided']);
    const stale = await decide(fin2, ask.id, 'approve', { gate: 0 });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'approval_gate_moved']);
    expect((await decide(fin2, ask.id, 'reject', {})).status).toBe(400); // a reason is required
    const rejected = await decide(fin2, ask.id, 'reject', { reason: 'over budget this quarter' });
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'over budget this quarter', currentGate: null });
    expect((await milestone(id)).status).toBe('submitted');
    expect(await transfers(id)).toEqual([]);
    expect(await eventsOf(ask.id)).toEqual([
      'workspace.approval.requested',
      'workspace.approval.gate_opened',
      'workspace.approval.rejected',
    ]);
    // The client may ask again: a new request, from the first gate.
    const again = await askApproval(id);
    expect(again.id).not.toBe(ask.id);
    expect(again.currentGate).toBe(0);
    expect((await decide(client, again.id, 'cancel')).body.status).toBe('cancelled');
  });

  it('concurrent approvals of the last gate by both finance members: exactly one transition, one payout', async () => {
    const id = await submitted(900_000, 'Race');
    const ask = await askApproval(id);
    expect((await decide(manager, ask.id, 'approve', { gate: 0 })).status).toBe(200);
    const [a, b] = await Promise.all([decide(fin1, ask.id, 'approve', { gate: 1 }), decide(fin2, ask.id, 'approve', { gate: 1 })]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error.code).toBe('approval_not_pending');
    await eventually('released', async () => (await milestone(id)).status === 'released');
    const list = await api().get(`${ws()}/approvals?milestoneId=${id}`).set(bearer(boss.token));
    const done = (list.body.items as ApprovalRequestView[]).find((r) => r.id === ask.id)!;
    expect(done.log.filter((e) => e.event === 'approved_gate').length).toBe(2);
    expect(done.log.filter((e) => e.event === 'completed').length).toBe(1);
    expect((await transfers(id)).length).toBe(1);
    expect((await payment(id)).money).toMatchObject({ released: 900_000 });
  });

  it('keeps an open request on its policy when the policy changes, escalates a stuck gate, and lets auto-approval win', async () => {
    const id = await submitted(700_000, 'Stuck');
    const ask = await askApproval(id);
    // The client drops the finance gate: the open request keeps both gates; new requests get one.
    const changed = await api()
      .put(`${ws()}/approval-policies/approve`)
      .set(bearer(boss.token))
      .send({ gates: [approvePolicy().gates[0]] });
    expect(changed.body.version).toBe(ask.policyVersion + 1);
    expect((await decide(manager, ask.id, 'approve', { gate: 0 })).body).toMatchObject({
      status: 'pending',
      currentGate: 1,
      policyVersion: ask.policyVersion,
    });

    // A day on: the finance gate's members are reminded. Three days on: the other client admin may pass it too.
    const poller = platform.apps.workspace!.get(ApprovalTimerPoller);
    clock.advance(25 * HOUR);
    expect(await poller.runOnce()).toMatchObject({ reminded: 1, escalated: 0 });
    expect(await dashboard(boss)).toMatchObject({ waitingForYou: 0 });
    clock.advance(48 * HOUR);
    expect(await poller.runOnce()).toMatchObject({ reminded: 0, escalated: 1 });
    expect(await poller.runOnce()).toMatchObject({ reminded: 0, escalated: 0 });
    const listed = await api().get(`${ws()}/approvals?status=pending&milestoneId=${id}`).set(bearer(boss.token));
    const escalated = (listed.body.items as ApprovalRequestView[])[0];
    expect(escalated.gates[1].escalated).toBe(true);
    expect(escalated.waitingFor).toEqual([boss.userId, fin1.userId, fin2.userId].sort());
    expect(await dashboard(boss)).toMatchObject({ waitingForYou: 1 });
    expect(await eventsOf(ask.id)).toEqual([
      'workspace.approval.requested',
      'workspace.approval.gate_opened',
      'workspace.approval.reminder',
      'workspace.approval.escalated',
    ]);

    // Nobody answers; the review window (5 days) lapses: the freelancer is paid, the request is superseded.
    clock.advance(3 * 24 * HOUR);
    await platform.apps.workspace!.get(ReviewTimerPoller).runOnce();
    await eventually('released', async () => (await milestone(id)).status === 'released');
    const after = await api().get(`${ws()}/approvals?milestoneId=${id}`).set(bearer(boss.token));
    expect((after.body.items as ApprovalRequestView[])[0]).toMatchObject({ id: ask.id, status: 'superseded' });
    expect((await decide(boss, ask.id, 'approve')).body.error.code).toBe('approval_not_pending');
    expect((await transfers(id)).length).toBe(1);
  });

  it('gates funding: 202 and no order until the last gate, then the Checkout page', async () => {
    const put = await api()
      .put(`${ws()}/approval-policies/fund`)
      .set(bearer(client.token))
      .send({ gates: [{ name: 'Budget owner', approvers: { roles: ['client_admin'] }, required: 1 }] });
    expect(put.status).toBe(200);
    const id = await accepted(300_000, 'Gated funding');
    const asked = await api().post(`${ms()}/${id}/fund`).set(bearer(client.token)).send();
    expect(asked.status).toBe(202);
    expect(asked.body.approvalRequest).toMatchObject({ action: 'fund', status: 'pending', waitingFor: [boss.userId] });
    expect((await milestone(id)).status).toBe('accepted');
    expect((await world.billingDb.query(`select count(*)::int as n from orders where milestone_id = $1`, [id]))[0].n).toBe(0);
    expect((await decide(boss, asked.body.approvalRequest.id, 'approve')).body.status).toBe('approved');
    expect((await milestone(id)).status).toBe('funding');
    const funding = await api().post(`${ms()}/${id}/fund`).set(bearer(client.token)).send();
    expect(funding.status).toBe(200);
    expect(funding.body.checkoutUrl).toEqual(expect.any(String));
    expect((await api().delete(`${ws()}/approval-policies/fund`).set(bearer(client.token))).status).toBe(204);
  });

  it('gates the freelancer side’s submission on the owner’s review, and only each side writes its own policies', async () => {
    const refused = await api()
      .put(`${ws()}/approval-policies/submit`)
      .set(bearer(client.token))
      .send({ gates: [{ name: 'Agency review', approvers: { roles: ['owner'] }, required: 1 }] });
    expect(refused.status).toBe(403);
    const otherSide = await api()
      .put(`${ws()}/approval-policies/submit`)
      .set(bearer(owner.token))
      .send({ gates: [{ name: 'Agency review', approvers: { userIds: [client.userId] }, required: 1 }] });
    expect([otherSide.status, otherSide.body.error.code]).toEqual([422, 'approval_policy_invalid']);
    const put = await api()
      .put(`${ws()}/approval-policies/submit`)
      .set(bearer(owner.token))
      .send({ gates: [{ name: 'Agency review', approvers: { roles: ['owner'] }, required: 1 }] });
    expect(put.status).toBe(200);
    const id = await accepted(50_000, 'Collaborator work');
    await funded(id);
    const deliverable = randomUUID();
    const asked = await api().post(`${ms()}/${id}/submit`).set(bearer(collaborator.token)).send({ deliverableFileVersionId: deliverable });
    expect(asked.status).toBe(202);
    expect(asked.body.approvalRequest).toMatchObject({ action: 'submit', waitingFor: [owner.userId] });
    expect((await milestone(id)).status).toBe('funded');
    expect((await decide(owner, asked.body.approvalRequest.id, 'approve')).body.status).toBe('approved');
    const after = await api().get(`${ms()}/${id}`).set(bearer(client.token));
    expect(after.body).toMatchObject({ status: 'submitted', deliverableFileVersionId: deliverable });
    expect((await api().delete(`${ws()}/approval-policies/submit`).set(bearer(owner.token))).status).toBe(204);
  });

  it('refuses bad policies (400/422) and lets the requester cancel', async () => {
    const bad: Array<[string, object]> = [
      ['no gates', { gates: [] }],
      ['no name', { gates: [{ approvers: { roles: ['client_admin'] }, required: 1 }] }],
      ['required 0', { gates: [{ name: 'x', approvers: { roles: ['client_admin'] }, required: 0 }] }],
      ['unknown role', { gates: [{ name: 'x', approvers: { roles: ['boss'] }, required: 1 }] }],
      [
        'bad threshold',
        { gates: [{ name: 'x', approvers: { roles: ['client_admin'] }, required: 1, onlyAbove: [{ currency: 'eur', amount: 1.5 }] }] },
      ],
      ['six gates', { gates: Array.from({ length: 6 }, () => ({ name: 'x', approvers: { roles: ['client_admin'] }, required: 1 })) }],
    ];
    for (const [why, body] of bad) {
      const res = await api().put(`${ws()}/approval-policies/request_refund`).set(bearer(client.token)).send(body);
      expect([why, res.status, res.body.error?.code]).toEqual([why, 400, 'validation_failed']);
    }
    const unknownAction = await api().put(`${ws()}/approval-policies/pay`).set(bearer(client.token)).send(approvePolicy());
    expect(unknownAction.status).toBe(404);
    const tooFew = await api()
      .put(`${ws()}/approval-policies/request_refund`)
      .set(bearer(client.token))
      .send({ gates: [{ name: 'Pair', approvers: { userIds: [fin1.userId] }, required: 2 }] });
    expect([tooFew.status, tooFew.body.error.code]).toEqual([422, 'approval_policy_invalid']);

    const id = await submitted(60_000, 'Cancelled ask');
    const ask = await askApproval(id);
    expect((await decide(manager, ask.id, 'cancel')).body.error.code).toBe('approval_not_requester');
    expect((await decide(client, ask.id, 'cancel', { reason: 'asked too early' })).body).toMatchObject({ status: 'cancelled' });
    expect((await milestone(id)).status).toBe('submitted');
  });

  it('shows another tenant nothing: 404 for its members on A’s approvals, policies and requests', async () => {
    const id = await submitted(40_000, 'Private');
    const ask = await askApproval(id);
    const foreign = [
      api().get(`${ws()}/approvals`),
      api().get(`${ws()}/approval-policies`),
      api().post(`${ws()}/approvals/${ask.id}/approve`).send({}),
      api().put(`${ws()}/approval-policies/approve`).send(approvePolicy()),
    ];
    for (const probe of foreign) expect((await probe.set(bearer(outsider.token))).status).toBe(404);
    // A's request id under B's own workspace names nothing there.
    const underOwn = await api()
      .post(`/api/v1/workspaces/${outsiderWorkspace}/approvals/${ask.id}/approve`)
      .set(bearer(outsider.token))
      .send({});
    expect([underOwn.status, underOwn.body.error.code]).toEqual([404, 'approval_not_found']);
    const list = await api().get(`/api/v1/workspaces/${outsiderWorkspace}/approvals`).set(bearer(outsider.token));
    expect(list.body.items).toEqual([]);
  });
});
