import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  EntitlementsPublisher,
  eventually,
  inviteAndJoin,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
  startTestS3,
  TestS3,
} from '@fpms/harness';
import { startUpload, uploadFile } from '../files/files-fixtures';
import { discoverRoutes } from '../isolation/route-catalog';
import { BillingPublisher, engagement, Engagement, fundedMilestone, milestoneApi } from '../milestones/support';
import { LOCKED_ROUTES, OPEN_ROUTES } from './lockout-rules';

type Probe = () => Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The lockout, route by route: every route the gateway serves is either refused with 402
 * `account_locked` for a locked account's freelancer side (lockout-rules.ts) or keeps
 * working — and the money routes are driven for real (funding, submitting, approving,
 * disputes, refund requests), not just "not refused"; messaging runs too, so posting is
 * refused for the freelancer side while the clients keep posting. Billing runs no service
 * here: its own routes answer 503, which still shows nothing before billing refuses them.
 */
describe('lockout: a locked account refuses new work and nothing else', () => {
  let s3: TestS3;
  let platform: RunningPlatform;
  let entitlements: EntitlementsPublisher;
  let billing: BillingPublisher;
  let system: DataSource;
  let messagingDb: DataSource;
  let e: Engagement;
  let ms: ReturnType<typeof milestoneApi>;
  const api = () => request(platform.gatewayUrl);
  const base = () => `/api/v1/workspaces/${e.workspaceId}`;

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files', 'messaging'],
      env: { files: s3.filesEnv({ FILES_CLEANUP_INTERVAL_SECONDS: '0' }), workspace: { REVIEW_TIMER_POLL_MS: '0' } },
    });
    entitlements = await EntitlementsPublisher.connect(platform.amqpUrl);
    billing = await BillingPublisher.connect(platform.amqpUrl);
    system = await connectServiceDb('workspace', 'system', platform.dbPrefix);
    messagingDb = await connectServiceDb('messaging', 'system', platform.dbPrefix);
    e = await engagement(platform, { plan: null });
    ms = milestoneApi(platform, e);
  }, 180_000);

  afterAll(async () => {
    await entitlements?.close();
    await billing?.close();
    await system?.destroy();
    await messagingDb?.destroy();
    await platform?.close();
    await s3?.close();
  });

  const createWs = (who: SignedUpUser) => api().post('/api/v1/workspaces').set(bearer(who.token)).send({ name: 'Next job' });
  const generalThreadOf = (workspaceId: string, who: SignedUpUser) =>
    eventually(`the general thread of ${workspaceId}`, async () => {
      const res = await api().get(`/api/v1/workspaces/${workspaceId}/threads`).set(bearer(who.token));
      return res.status === 200 ? (res.body.items.find((t: { kind: string }) => t.kind === 'general')?.id as string) : null;
    });
  const postTo = (workspaceId: string, threadId: string, who: SignedUpUser, body: { text: string; internal?: boolean }) =>
    api().post(`/api/v1/workspaces/${workspaceId}/threads/${threadId}/messages`).set(bearer(who.token)).send(body);
  /** Messaging projects entitlements from its own queue: its row, not the workspace's 402, says when it has. */
  const messagingSees = (accountId: string, expected: { standing?: string; plan?: string }) =>
    eventually(`messaging to project ${JSON.stringify(expected)}`, async () => {
      const [row] = await messagingDb.query(`select plan, standing from account_entitlements where account_id = $1`, [accountId]);
      return row && Object.entries(expected).every(([k, v]) => row[k] === v);
    });

  /** The workspace service's own row says when it has projected a change; a creating probe would add workspaces while it waits. */
  const workspaceSees = (accountId: string, expected: { standing?: string; plan?: string }) =>
    eventually(`workspace to project ${JSON.stringify(expected)}`, async () => {
      const [row] = await system.query(`select plan, standing from account_entitlements where account_id = $1`, [accountId]);
      return row && Object.entries(expected).every(([k, v]) => row[k] === v);
    });

  it('classifies every route the gateway serves (a new route fails here until it is)', () => {
    const served = discoverRoutes(platform.apps.gateway!)
      .filter((r) => r.path.startsWith('/api/v1/'))
      .map((r) => `${r.method} ${r.path}`);
    const classified = [...Object.keys(LOCKED_ROUTES), ...Object.keys(OPEN_ROUTES)];
    expect(served.filter((r) => !classified.includes(r))).toEqual([]);
    expect(classified.filter((r) => !served.includes(r))).toEqual([]);
    expect(Object.keys(LOCKED_ROUTES).filter((r) => r in OPEN_ROUTES)).toEqual([]);
  });

  it('past_due refuses nothing and GET /me shows the banner; locked refuses exactly the locked routes; paying unlocks at once', async () => {
    // Before the lock: what the probes act on.
    const file = await uploadFile(platform.gatewayUrl, e.freelancer, e.workspaceId, 'brief.txt', 'the brief');
    const deliverable = await uploadFile(platform.gatewayUrl, e.freelancer, e.workspaceId, 'site.zip', 'the site', 'application/zip');
    const scratchFile = await uploadFile(platform.gatewayUrl, e.freelancer, e.workspaceId, 'old.txt', 'old');
    const twoVersions = await uploadFile(platform.gatewayUrl, e.freelancer, e.workspaceId, 'draft.txt', 'v1');
    const started = await startUpload(platform.gatewayUrl, e.freelancer, e.workspaceId, {
      name: 'late.txt',
      size: 4,
      contentType: 'text/plain',
    });
    const create = async (title: string) => (await ms.create(e.freelancer, { title, amount: 50_000, currency: 'EUR' })).body.id as string;
    const draft = await create('Draft');
    const toDecline = await create('To decline');
    const accepted = await create('Accepted');
    const toAccept = await create('To accept');
    for (const [who, id, route] of [
      [e.freelancer, toDecline, 'propose'],
      [e.freelancer, accepted, 'propose'],
      [e.freelancer, toAccept, 'propose'],
      [e.client, accepted, 'accept'],
    ] as const)
      expect((await ms.act(who, id, route)).status).toBe(200);
    const toSubmit = await fundedMilestone(platform, e, billing, system, { title: 'Build', amount: 80_000, currency: 'EUR' });
    const toApprove = await fundedMilestone(platform, e, billing, system, { title: 'Launch', amount: 20_000, currency: 'EUR' });
    expect((await ms.act(e.freelancer, toApprove.id, 'submit', { deliverableFileVersionId: deliverable.versionId })).status).toBe(200);
    const toDispute = await fundedMilestone(platform, e, billing, system, { title: 'Support', amount: 10_000, currency: 'EUR' });
    const toRefund = await fundedMilestone(platform, e, billing, system, { title: 'Extra', amount: 5_000, currency: 'EUR' });
    const general = await generalThreadOf(e.workspaceId, e.client);
    const thread = `${base()}/threads/${general}`;
    const post = (who: SignedUpUser, body: { text: string; internal?: boolean }) => postTo(e.workspaceId, general, who, body);
    const clientNotification = await eventually('a notification for the client', async () => {
      const res = await api().get('/api/v1/me/notifications').set(bearer(e.client.token));
      return res.body.items?.[0]?.id as string | undefined;
    });
    const task = await api().post(`${base()}/tasks`).set(bearer(e.freelancer.token)).send({ title: 'Wireframes' });
    const invitation = await api().post(`${base()}/invitations`).set(bearer(e.freelancer.token)).send({ role: 'collaborator' });
    const pendingInvite = await api().post(`${base()}/invitations`).set(bearer(e.client.token)).send({ role: 'client_viewer', maxUses: 2 });
    expect([task.status, invitation.status, pendingInvite.status]).toEqual([201, 201, 201]);
    const logged = (startedAt: string, endedAt: string) =>
      api().post(`${base()}/time-entries`).set(bearer(e.freelancer.token)).send({ startedAt, endedAt });
    const toEditTime = await logged('2026-01-05T09:00:00Z', '2026-01-05T10:00:00Z');
    const toDeleteTime = await logged('2026-01-05T10:00:00Z', '2026-01-05T11:00:00Z');
    const timer = await api().post(`${base()}/timer/start`).set(bearer(e.collaborator.token)).send({});
    const hourly = await api().post(`${base()}/hourly-contract`).set(bearer(e.freelancer.token)).send({ rateMinor: 5000, currency: 'EUR' });
    expect([toEditTime.status, toDeleteTime.status, timer.status, hourly.status]).toEqual([201, 201, 201, 201]);

    // past_due: a banner, nothing refused.
    const locksAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    await entitlements.next(e.accountId, { plan: 'free', standing: 'past_due', locksAt });
    const me = await eventually('GET /me to show past_due', async () => {
      const res = await api().get('/api/v1/me').set(bearer(e.freelancer.token));
      return res.body.accountStandings?.[0]?.standing === 'past_due' ? res.body : null;
    });
    expect(me.accounts).toEqual([expect.objectContaining({ accountId: e.accountId, plan: 'free', standing: 'past_due', locksAt })]);
    // Collaborators see the banner of the account they work for; clients see none.
    const collaboratorMe = await api().get('/api/v1/me').set(bearer(e.collaborator.token));
    expect(collaboratorMe.body.accountStandings).toContainEqual(
      expect.objectContaining({ accountId: e.accountId, standing: 'past_due', locksAt }),
    );
    const clientMe = await api().get('/api/v1/me').set(bearer(e.client.token));
    expect(clientMe.body.accountStandings.map((s: { accountId: string }) => s.accountId)).not.toContain(e.accountId);
    expect((await createWs(e.freelancer)).status).toBe(201);

    // Messages posted just before the lock (well inside the edit window) for the probes to edit and delete.
    const toEdit = await post(e.freelancer, { text: 'Plan, first draft' });
    const toDelete = await post(e.freelancer, { text: 'Wrong thread, sorry' });
    expect([toEdit.status, toDelete.status]).toEqual([201, 201]);

    // locked.
    await entitlements.next(e.accountId, { plan: 'free', standing: 'locked' });
    await workspaceSees(e.accountId, { standing: 'locked' });
    expect((await createWs(e.freelancer)).status).toBe(402);
    await messagingSees(e.accountId, { standing: 'locked' });

    // The whole freelancer side is refused a new message (a note too: the lock is checked first); the client keeps posting.
    const refusals = await Promise.all([
      post(e.collaborator, { text: 'Still here' }),
      post(e.freelancer, { text: 'A note', internal: true }),
    ]);
    expect(refusals.map((r) => [r.status, r.body.error?.code])).toEqual([
      [402, 'account_locked'],
      [402, 'account_locked'],
    ]);
    expect(refusals[0].body.error.details).toMatchObject({ plan: 'free', standing: 'locked' });
    expect((await post(e.client, { text: 'Any news on the launch?' })).status).toBe(201);

    // Clients of a locked account still upload and invite on their side (before the walk fills the seats).
    expect(
      (await api().post(`${base()}/files`).set(bearer(e.client.token)).send({ name: 'feedback.txt', size: 5, contentType: 'text/plain' }))
        .status,
    ).toBe(201);
    expect((await api().post(`${base()}/invitations`).set(bearer(e.client.token)).send({ role: 'client_viewer' })).status).toBe(201);

    const owner = e.freelancer;
    const as = (who: SignedUpUser) => bearer(who.token);
    const probes: Record<string, Probe> = {
      // Refused (402 account_locked).
      'POST /api/v1/workspaces': () => createWs(owner),
      'POST /api/v1/workspaces/:workspaceId/milestones': () => ms.create(owner, { title: 'More', amount: 1_000, currency: 'EUR' }),
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/propose': () => ms.act(owner, draft, 'propose'),
      'POST /api/v1/workspaces/:workspaceId/invitations': () =>
        api().post(`${base()}/invitations`).set(as(owner)).send({ role: 'collaborator' }),
      'POST /api/v1/workspaces/:workspaceId/files': () =>
        api().post(`${base()}/files`).set(as(owner)).send({ name: 'new.txt', size: 3, contentType: 'text/plain' }),
      'POST /api/v1/workspaces/:workspaceId/files/:fileId/versions': () =>
        api().post(`${base()}/files/${file.fileId}/versions`).set(as(owner)).send({ size: 3, contentType: 'text/plain' }),
      'POST /api/v1/workspaces/:workspaceId/threads/:threadId/messages': () => post(owner, { text: 'New work' }),
      'POST /api/v1/workspaces/:workspaceId/time-entries': () =>
        api().post(`${base()}/time-entries`).set(as(owner)).send({ startedAt: '2026-01-06T09:00:00Z', endedAt: '2026-01-06T10:00:00Z' }),
      'POST /api/v1/workspaces/:workspaceId/timer/start': () => api().post(`${base()}/timer/start`).set(as(owner)).send({}),
      'POST /api/v1/workspaces/:workspaceId/hourly-contract': () =>
        api().post(`${base()}/hourly-contract`).set(as(owner)).send({ rateMinor: 6000, currency: 'EUR' }),

      // Keep working. Removing the viewer first leaves seats for the two who join below (free: 5 members).
      'PATCH /api/v1/workspaces/:workspaceId/members/:userId': () =>
        api().patch(`${base()}/members/${e.viewer.userId}`).set(as(e.client)).send({ role: 'client_viewer' }),
      'DELETE /api/v1/workspaces/:workspaceId/members/:userId': () =>
        api().delete(`${base()}/members/${e.viewer.userId}`).set(as(e.client)),
      'POST /api/v1/auth/signup': () =>
        api()
          .post('/api/v1/auth/signup')
          .send({ email: `late-${Date.now()}@example.com`, password: 'correct horse battery', name: 'Late' }),
      'POST /api/v1/auth/login': () => api().post('/api/v1/auth/login').send({ email: owner.email, password: 'wrong password, fine' }),
      'POST /api/v1/auth/refresh': () => api().post('/api/v1/auth/refresh').send({ refreshToken: 'not-a-token' }),
      'POST /api/v1/auth/logout': () => api().post('/api/v1/auth/logout').send({ refreshToken: 'not-a-token' }),
      'POST /api/v1/invitations/:token/signup': () =>
        api()
          .post(`/api/v1/invitations/${pendingInvite.body.token}/signup`)
          .send({ email: `viewer-${Date.now()}@example.com`, password: 'correct horse battery', name: 'Viewer' }),
      'POST /api/v1/invitations/:token/accept': async () =>
        api()
          .post(`/api/v1/invitations/${invitation.body.token}/accept`)
          .set(as(await signUp(platform.gatewayUrl, 'Helper')))
          .send(),
      'GET /api/v1/me': () => api().get('/api/v1/me').set(as(owner)),
      'POST /api/v1/auth/login/2fa': () => api().post('/api/v1/auth/login/2fa').send({ challengeToken: 'lc_x', code: '123456' }),
      'POST /api/v1/auth/verify-email': () => api().post('/api/v1/auth/verify-email').send({ token: 'ev_x' }),
      'POST /api/v1/auth/password-reset': () => api().post('/api/v1/auth/password-reset').send({ email: 'nobody@example.test' }),
      'POST /api/v1/auth/password-reset/confirm': () =>
        api().post('/api/v1/auth/password-reset/confirm').send({ token: 'pr_x', password: 'a long new pass phrase' }),
      'POST /api/v1/me/email/verification': () => api().post('/api/v1/me/email/verification').set(as(owner)).send({}),
      'PUT /api/v1/me/email': () => api().put('/api/v1/me/email').set(as(owner)).send({ email: 'x@example.test', password: 'wrong' }),
      'PUT /api/v1/me/password': () =>
        api().put('/api/v1/me/password').set(as(owner)).send({ currentPassword: 'wrong', newPassword: 'a long new pass phrase' }),
      'GET /api/v1/me/2fa': () => api().get('/api/v1/me/2fa').set(as(owner)),
      'POST /api/v1/me/2fa/totp': () => api().post('/api/v1/me/2fa/totp').set(as(owner)).send({}),
      'POST /api/v1/me/2fa/totp/confirm': () => api().post('/api/v1/me/2fa/totp/confirm').set(as(owner)).send({ code: '000000' }),
      'POST /api/v1/me/2fa/totp/disable': () => api().post('/api/v1/me/2fa/totp/disable').set(as(owner)).send({ code: '000000' }),
      'GET /api/v1/me/sessions': () => api().get('/api/v1/me/sessions').set(as(owner)),
      'DELETE /api/v1/me/sessions': () => api().delete('/api/v1/me/sessions').set(as(e.collaborator)),
      'DELETE /api/v1/me/sessions/:sessionId': () => api().delete(`/api/v1/me/sessions/${randomUUID()}`).set(as(owner)),
      // A wrong password: the route answers (401), the lock does not (402); nobody is erased.
      'DELETE /api/v1/me': () => api().delete('/api/v1/me').set(as(owner)).send({ password: 'wrong password, fine' }),
      'POST /api/v1/me/export': () => api().post('/api/v1/me/export').set(as(owner)).send({}),
      'GET /api/v1/me/exports': () => api().get('/api/v1/me/exports').set(as(owner)),
      // Someone else's (or nobody's) export: 404 from the route, not 402 from the lock.
      'GET /api/v1/me/exports/:exportId': () => api().get(`/api/v1/me/exports/${randomUUID()}`).set(as(owner)),
      'GET /api/v1/me/exports/:exportId/download': () => api().get(`/api/v1/me/exports/${randomUUID()}/download`).set(as(owner)),
      'GET /api/v1/workspaces': () => api().get('/api/v1/workspaces').set(as(owner)),
      'GET /api/v1/workspaces/:workspaceId': () => api().get(base()).set(as(e.client)),
      'PATCH /api/v1/workspaces/:workspaceId': () => api().patch(base()).set(as(owner)).send({ name: 'Renamed' }),
      'GET /api/v1/workspaces/:workspaceId/members': () => api().get(`${base()}/members`).set(as(owner)),
      'GET /api/v1/workspaces/:workspaceId/invitations': () => api().get(`${base()}/invitations`).set(as(owner)),
      'DELETE /api/v1/workspaces/:workspaceId/invitations/:invitationId': () =>
        api().delete(`${base()}/invitations/${pendingInvite.body.id}`).set(as(e.client)),
      'GET /api/v1/workspaces/:workspaceId/activity': () => api().get(`${base()}/activity`).set(as(owner)),
      'GET /api/v1/admin/accounts/:accountId/workspaces': () =>
        api().get(`/api/v1/admin/accounts/${e.accountId}/workspaces`).set(as(owner)),
      'GET /api/v1/admin/audit': () => api().get('/api/v1/admin/audit').set(as(owner)),
      'GET /api/v1/admin/billing/webhook-events': () => api().get('/api/v1/admin/billing/webhook-events').set(as(owner)),
      'POST /api/v1/admin/billing/reconciliations': () => api().post('/api/v1/admin/billing/reconciliations').set(as(owner)).send({}),
      'GET /api/v1/workspaces/:workspaceId/files': () => api().get(`${base()}/files`).set(as(e.client)),
      'GET /api/v1/workspaces/:workspaceId/files/:fileId': () => api().get(`${base()}/files/${file.fileId}`).set(as(e.client)),
      'GET /api/v1/workspaces/:workspaceId/files/:fileId/download': () =>
        api().get(`${base()}/files/${deliverable.fileId}/download`).set(as(e.client)),
      'POST /api/v1/workspaces/:workspaceId/files/:fileId/versions/:versionId/complete': async () => {
        const put = await fetch((started.upload as { url: string }).url, {
          method: 'PUT',
          body: 'late',
          headers: Object.fromEntries(
            Object.entries((started.upload as { headers: Record<string, string> }).headers).filter(
              ([h]) => h.toLowerCase() !== 'content-length',
            ),
          ),
        });
        await put.arrayBuffer();
        return api().post(`${base()}/files/${started.file.id}/versions/${started.version.id}/complete`).set(as(owner)).send({});
      },
      'POST /api/v1/workspaces/:workspaceId/files/:fileId/versions/:versionId/pin': () =>
        api().post(`${base()}/files/${file.fileId}/versions/${file.versionId}/pin`).set(as(owner)).send({}),
      'DELETE /api/v1/workspaces/:workspaceId/files/:fileId/versions/:versionId/pin': () =>
        api().delete(`${base()}/files/${file.fileId}/versions/${file.versionId}/pin`).set(as(owner)),
      'DELETE /api/v1/workspaces/:workspaceId/files/:fileId': () => api().delete(`${base()}/files/${scratchFile.fileId}`).set(as(owner)),
      'POST /api/v1/workspaces/:workspaceId/files/:fileId/restore': () =>
        api().post(`${base()}/files/${scratchFile.fileId}/restore`).set(as(owner)).send({}),
      'DELETE /api/v1/workspaces/:workspaceId/files/:fileId/versions/:versionId': () =>
        api().delete(`${base()}/files/${twoVersions.fileId}/versions/${twoVersions.versionId}`).set(as(owner)),
      'GET /api/v1/workspaces/:workspaceId/milestones': () => ms.list(e.client),
      'GET /api/v1/workspaces/:workspaceId/milestones/:milestoneId': () => ms.get(e.client, accepted),
      'PATCH /api/v1/workspaces/:workspaceId/milestones/:milestoneId': () => ms.patch(owner, draft, { title: 'Draft, renamed' }),
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/decline': () => ms.act(e.client, toDecline, 'decline'),
      // Work proposed before the lock can still be accepted: proposing is what is refused.
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/accept': () => ms.act(e.client, toAccept, 'accept'),
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/fund': async () => {
        const http = await api().post(`${base()}/milestones/${accepted}/fund`).set(as(e.client)).send({});
        expect(http.status).not.toBe(402);
        // What billing does when the client funds: moves the accepted milestone to funding.
        return ms.act(e.client, accepted, 'fund');
      },
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/refunds': () =>
        api().post(`${base()}/milestones/${toRefund.id}/refunds`).set(as(owner)).send({}),
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/refund-request/accept': () =>
        api().post(`${base()}/milestones/${toRefund.id}/refund-request/accept`).set(as(owner)).send({}),
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/refund-request/contest': () =>
        api().post(`${base()}/milestones/${toRefund.id}/refund-request/contest`).set(as(owner)).send({}),
      'GET /api/v1/workspaces/:workspaceId/milestones/:milestoneId/payment': () =>
        api().get(`${base()}/milestones/${toSubmit.id}/payment`).set(as(e.client)),
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/chargeback/respond-myself': () =>
        api().post(`${base()}/milestones/${toSubmit.id}/chargeback/respond-myself`).set(as(owner)).send({}),
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/submit': () =>
        ms.act(owner, toSubmit.id, 'submit', { deliverableFileVersionId: deliverable.versionId }),
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/request-changes': () =>
        ms.act(e.client, toSubmit.id, 'request-changes'),
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/approve': () => ms.act(e.client, toApprove.id, 'approve'),
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/cancel': () => ms.act(owner, draft, 'cancel'),
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/request-refund': () => ms.act(e.client, toRefund.id, 'request-refund'),
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/dispute': () => ms.act(e.client, toDispute.id, 'dispute'),
      // The locked freelancer still answers the dispute (before it is withdrawn below).
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/dispute/evidence': () =>
        api().post(`${base()}/milestones/${toDispute.id}/dispute/evidence`).set(as(owner)).send({ statement: 'Delivered as agreed' }),
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/withdraw-dispute': () =>
        ms.act(e.client, toDispute.id, 'withdraw-dispute'),
      'GET /api/v1/workspaces/:workspaceId/dashboard': () => ms.dashboard(e.client),
      'GET /api/v1/accounts/:accountId/dashboard': () => ms.accountDashboard(owner),
      'GET /api/v1/workspaces/:workspaceId/task-statuses': () => api().get(`${base()}/task-statuses`).set(as(owner)),
      'PUT /api/v1/workspaces/:workspaceId/task-statuses': async () => {
        const res = await api()
          .put(`${base()}/task-statuses`)
          .set(as(owner))
          .send({
            statuses: [
              { key: 'todo', name: 'To do', category: 'todo' },
              { key: 'done', name: 'Done', category: 'done' },
            ],
          });
        // The free plan lacks the feature (its own 402): what matters here is that the lock is not the reason.
        expect(res.body.error?.code).toBe('custom_task_statuses_not_in_plan');
        return { status: 200, body: {} };
      },
      'POST /api/v1/workspaces/:workspaceId/tasks': () => api().post(`${base()}/tasks`).set(as(owner)).send({ title: 'Copy' }),
      'GET /api/v1/workspaces/:workspaceId/tasks': () => api().get(`${base()}/tasks`).set(as(e.client)),
      'GET /api/v1/workspaces/:workspaceId/tasks/:taskId': () => api().get(`${base()}/tasks/${task.body.id}`).set(as(owner)),
      'PATCH /api/v1/workspaces/:workspaceId/tasks/:taskId': () =>
        api().patch(`${base()}/tasks/${task.body.id}`).set(as(owner)).send({ title: 'Wireframes v2' }),
      'DELETE /api/v1/workspaces/:workspaceId/tasks/:taskId': () => api().delete(`${base()}/tasks/${task.body.id}`).set(as(owner)),
      'GET /api/v1/billing/connect': () => api().get('/api/v1/billing/connect').set(as(owner)),
      'POST /api/v1/billing/connect/onboarding': () => api().post('/api/v1/billing/connect/onboarding').set(as(owner)).send({}),
      'GET /api/v1/workspaces/:workspaceId/milestones/:milestoneId/dispute': () =>
        api().get(`${base()}/milestones/${toDispute.id}/dispute`).set(as(e.client)),
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/pay': () =>
        api().post(`${base()}/milestones/${toApprove.id}/pay`).set(as(e.client)).send({}),
      // Platform-admin routes: the owner is no admin (refused for that, never for the lock).
      'GET /api/v1/admin/disputes': () => api().get('/api/v1/admin/disputes').set(as(owner)),
      'GET /api/v1/admin/disputes/:disputeId': () => api().get(`/api/v1/admin/disputes/${toDispute.id}`).set(as(owner)),
      'POST /api/v1/admin/disputes/:disputeId/resolve': () =>
        api().post(`/api/v1/admin/disputes/${toDispute.id}/resolve`).set(as(owner)).send({}),
      'POST /api/v1/billing/checkout': () => api().post('/api/v1/billing/checkout').set(as(owner)).send({ plan: 'pro', interval: 'month' }),
      'GET /api/v1/billing/subscription': () => api().get('/api/v1/billing/subscription').set(as(owner)),
      'GET /api/v1/billing/payouts': () => api().get('/api/v1/billing/payouts').set(as(owner)),
      'GET /api/v1/workspaces/:workspaceId/approvals': () => api().get(`${base()}/approvals`).set(as(e.client)),
      'GET /api/v1/workspaces/:workspaceId/approval-policies': () => api().get(`${base()}/approval-policies`).set(as(owner)),
      // Written and removed again at once, so no other probe here meets a chain.
      'PUT /api/v1/workspaces/:workspaceId/approval-policies/:action': async () => {
        const put = await api()
          .put(`${base()}/approval-policies/submit`)
          .set(as(owner))
          .send({ gates: [{ name: 'Review', approvers: { roles: ['owner'] }, required: 1 }] });
        await api().delete(`${base()}/approval-policies/submit`).set(as(owner));
        return put;
      },
      'DELETE /api/v1/workspaces/:workspaceId/approval-policies/:action': async () => {
        await api()
          .put(`${base()}/approval-policies/request_refund`)
          .set(as(e.client))
          .send({ gates: [{ name: 'Finance', approvers: { roles: ['client_admin'] }, required: 1 }] });
        return api().delete(`${base()}/approval-policies/request_refund`).set(as(e.client));
      },
      // No request exists: 404, and never the lock's 402.
      ...Object.fromEntries(
        (['approve', 'reject', 'cancel'] as const).map((step) => [
          `POST /api/v1/workspaces/:workspaceId/approvals/:requestId/${step}`,
          () => api().post(`${base()}/approvals/${randomUUID()}/${step}`).set(as(e.client)).send({ reason: 'probe' }),
        ]),
      ),

      'GET /api/v1/reports/earnings': () => api().get('/api/v1/reports/earnings?from=2026-01-01&to=2026-12-31').set(as(owner)),
      'POST /api/v1/billing/subscription/change': () =>
        api().post('/api/v1/billing/subscription/change').set(as(owner)).send({ plan: 'pro', interval: 'month' }),
      'POST /api/v1/billing/subscription/cancel': () => api().post('/api/v1/billing/subscription/cancel').set(as(owner)).send({}),
      'GET /api/v1/workspaces/:workspaceId/threads': () => api().get(`${base()}/threads`).set(as(e.client)),
      'GET /api/v1/workspaces/:workspaceId/threads/:threadId': () => api().get(thread).set(as(owner)),
      'GET /api/v1/workspaces/:workspaceId/threads/:threadId/messages': () => api().get(`${thread}/messages`).set(as(e.client)),
      'PATCH /api/v1/workspaces/:workspaceId/threads/:threadId/messages/:messageId': () =>
        api().patch(`${thread}/messages/${toEdit.body.id}`).set(as(owner)).send({ text: 'Plan, final' }),
      'DELETE /api/v1/workspaces/:workspaceId/threads/:threadId/messages/:messageId': () =>
        api().delete(`${thread}/messages/${toDelete.body.id}`).set(as(owner)),
      'POST /api/v1/workspaces/:workspaceId/threads/:threadId/read': () => api().post(`${thread}/read`).set(as(owner)).send({}),
      'GET /api/v1/me/notifications': () => api().get('/api/v1/me/notifications').set(as(e.client)),
      'POST /api/v1/me/notifications/:notificationId/read': () =>
        api().post(`/api/v1/me/notifications/${clientNotification}/read`).set(as(e.client)).send({}),
      'POST /api/v1/me/notifications/read-all': () => api().post('/api/v1/me/notifications/read-all').set(as(owner)).send({}),
      'GET /api/v1/me/notification-preferences': () => api().get('/api/v1/me/notification-preferences').set(as(owner)),
      'PUT /api/v1/me/notification-preferences': () =>
        api().put('/api/v1/me/notification-preferences').set(as(owner)).send({ digestHour: 7 }),
      'GET /api/v1/billing/invoice-profile': () => api().get('/api/v1/billing/invoice-profile').set(as(owner)),
      'PATCH /api/v1/billing/invoice-profile': () =>
        api().patch('/api/v1/billing/invoice-profile').set(as(owner)).send({ businessName: 'Locked Studio' }),
      'PUT /api/v1/workspaces/:workspaceId/invoice-buyer': () =>
        api().put(`${base()}/invoice-buyer`).set(as(e.client)).send({ name: 'Client Ltd' }),
      'GET /api/v1/workspaces/:workspaceId/invoices': () => api().get(`${base()}/invoices`).set(as(e.client)),
      'GET /api/v1/workspaces/:workspaceId/invoices/:invoiceId': () => api().get(`${base()}/invoices/${randomUUID()}`).set(as(owner)),
      'GET /api/v1/workspaces/:workspaceId/invoices/:invoiceId/pdf': () =>
        api().get(`${base()}/invoices/${randomUUID()}/pdf`).set(as(e.client)),
      'GET /api/v1/workspaces/:workspaceId/time-entries': () => api().get(`${base()}/time-entries`).set(as(e.client)),
      'GET /api/v1/workspaces/:workspaceId/time-entries/summary': () =>
        api().get(`${base()}/time-entries/summary?week=2026-W02`).set(as(e.client)),
      'PATCH /api/v1/workspaces/:workspaceId/time-entries/:entryId': () =>
        api().patch(`${base()}/time-entries/${toEditTime.body.id}`).set(as(owner)).send({ note: 'Corrected' }),
      'DELETE /api/v1/workspaces/:workspaceId/time-entries/:entryId': () =>
        api().delete(`${base()}/time-entries/${toDeleteTime.body.id}`).set(as(owner)),
      'GET /api/v1/workspaces/:workspaceId/timer': () => api().get(`${base()}/timer`).set(as(e.collaborator)),
      'POST /api/v1/workspaces/:workspaceId/timer/stop': () => api().post(`${base()}/timer/stop`).set(as(e.collaborator)).send({}),
      'GET /api/v1/workspaces/:workspaceId/hourly-contract': () => api().get(`${base()}/hourly-contract`).set(as(e.client)),
      'POST /api/v1/workspaces/:workspaceId/hourly-contract/accept': () =>
        api().post(`${base()}/hourly-contract/accept`).set(as(e.client)).send({ contractId: hourly.body.id }),
      'POST /api/v1/workspaces/:workspaceId/hourly-contract/end': () =>
        api().post(`${base()}/hourly-contract/end`).set(as(e.client)).send({}),
      'POST /api/v1/workspaces/:workspaceId/hourly-contract/payment-method': () =>
        api().post(`${base()}/hourly-contract/payment-method`).set(as(e.client)).send({}),
      'PUT /api/v1/workspaces/:workspaceId/time-zone': () => api().put(`${base()}/time-zone`).set(as(owner)).send({ timeZone: 'UTC' }),
      // No week is closed here: 404, and never the lock's 402.
      'GET /api/v1/workspaces/:workspaceId/time-weeks': () => api().get(`${base()}/time-weeks`).set(as(e.client)),
      'GET /api/v1/workspaces/:workspaceId/time-weeks/:weekStart': () => api().get(`${base()}/time-weeks/2026-01-05`).set(as(owner)),
      'POST /api/v1/workspaces/:workspaceId/time-weeks/:weekStart/accept': () =>
        api().post(`${base()}/time-weeks/2026-01-05/accept`).set(as(e.client)).send({}),
      'POST /api/v1/workspaces/:workspaceId/time-weeks/:weekStart/entries/:entryId/dispute': () =>
        api().post(`${base()}/time-weeks/2026-01-05/entries/${randomUUID()}/dispute`).set(as(e.client)).send({ reason: 'probe' }),
      'POST /api/v1/workspaces/:workspaceId/time-weeks/:weekStart/entries/:entryId/dispute/withdraw': () =>
        api().post(`${base()}/time-weeks/2026-01-05/entries/${randomUUID()}/dispute/withdraw`).set(as(e.client)).send({}),
      'POST /api/v1/workspaces/:workspaceId/time-weeks/:weekStart/entries/:entryId/dispute/concede': () =>
        api().post(`${base()}/time-weeks/2026-01-05/entries/${randomUUID()}/dispute/concede`).set(as(owner)).send({}),
      'GET /api/v1/unsubscribe/:token': () => api().get('/api/v1/unsubscribe/not-a-token'),
      'POST /api/v1/unsubscribe/:token': () => api().post('/api/v1/unsubscribe/not-a-token').send({}),
    };
    expect(Object.keys(probes).sort()).toEqual([...Object.keys(LOCKED_ROUTES), ...Object.keys(OPEN_ROUTES)].sort());

    // Routes whose work is billing's: no billing service runs here, so 503 (never 402).
    const billingServed = new Set([
      'POST /api/v1/admin/billing/reconciliations',
      'GET /api/v1/admin/billing/webhook-events',
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/refunds',
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/refund-request/accept',
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/refund-request/contest',
      'GET /api/v1/workspaces/:workspaceId/milestones/:milestoneId/payment',
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/chargeback/respond-myself',
      'GET /api/v1/billing/connect',
      'POST /api/v1/billing/connect/onboarding',
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/pay',
      'POST /api/v1/billing/checkout',
      'GET /api/v1/billing/subscription',
      'GET /api/v1/billing/payouts',
      'GET /api/v1/reports/earnings',
      'POST /api/v1/billing/subscription/change',
      'POST /api/v1/billing/subscription/cancel',
      'GET /api/v1/billing/invoice-profile',
      'PATCH /api/v1/billing/invoice-profile',
      'PUT /api/v1/workspaces/:workspaceId/invoice-buyer',
      'GET /api/v1/workspaces/:workspaceId/invoices',
      'GET /api/v1/workspaces/:workspaceId/invoices/:invoiceId',
      'GET /api/v1/workspaces/:workspaceId/invoices/:invoiceId/pdf',
      'POST /api/v1/workspaces/:workspaceId/hourly-contract/payment-method',
    ]);
    // What a member does and must succeed (2xx) while locked: the money and the clients' side.
    const mustSucceed = new Set([
      'GET /api/v1/workspaces/:workspaceId/files/:fileId/download',
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/fund',
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/submit',
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/request-changes',
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/approve',
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/request-refund',
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/dispute',
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/dispute/evidence',
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/withdraw-dispute',
      'GET /api/v1/workspaces/:workspaceId/milestones/:milestoneId/dispute',
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/decline',
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/accept',
      'DELETE /api/v1/workspaces/:workspaceId/members/:userId',
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/cancel',
      'POST /api/v1/workspaces/:workspaceId/files/:fileId/versions/:versionId/complete',
      'POST /api/v1/invitations/:token/accept',
      'POST /api/v1/invitations/:token/signup',
      'GET /api/v1/workspaces/:workspaceId/files',
      'GET /api/v1/workspaces/:workspaceId/milestones/:milestoneId',
      'POST /api/v1/workspaces/:workspaceId/tasks',
      'GET /api/v1/workspaces/:workspaceId/threads',
      'GET /api/v1/workspaces/:workspaceId/threads/:threadId/messages',
      'PATCH /api/v1/workspaces/:workspaceId/threads/:threadId/messages/:messageId',
      'DELETE /api/v1/workspaces/:workspaceId/threads/:threadId/messages/:messageId',
      'POST /api/v1/workspaces/:workspaceId/threads/:threadId/read',
      'POST /api/v1/me/notifications/:notificationId/read',
      'PATCH /api/v1/workspaces/:workspaceId/time-entries/:entryId',
      'DELETE /api/v1/workspaces/:workspaceId/time-entries/:entryId',
      'POST /api/v1/workspaces/:workspaceId/timer/stop',
      'POST /api/v1/workspaces/:workspaceId/hourly-contract/accept',
      'POST /api/v1/workspaces/:workspaceId/hourly-contract/end',
    ]);

    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const [route, probe] of Object.entries(probes)) {
      const res = await probe();
      const code = res.body.error?.code ?? null;
      if (route in LOCKED_ROUTES) {
        outcomes.push(`${route} → ${res.status} ${code}`);
        expected.push(`${route} → 402 account_locked`);
      } else {
        const ok = mustSucceed.has(route)
          ? res.status >= 200 && res.status < 300
          : billingServed.has(route)
            ? res.status !== 402 && (res.status < 500 || res.status === 503)
            : res.status !== 402 && res.status < 500;
        outcomes.push(`${route} → ${ok ? 'works' : `${res.status} ${code}`}`);
        expected.push(`${route} → works`);
      }
    }
    expect(outcomes).toEqual(expected);
    const refused = await createWs(owner);
    expect(refused.body.error).toMatchObject({ code: 'account_locked', details: { plan: 'free', standing: 'locked' } });

    // Money owed kept moving: the approval went out to billing.
    expect((await ms.get(owner, toApprove.id)).body.status).toBe('approved');

    // Paying unlocks at once (a newer `active` version).
    await entitlements.next(e.accountId, { plan: 'free', standing: 'active' });
    await eventually(
      'the unlock',
      async () => (await ms.create(owner, { title: 'After paying', amount: 1_000, currency: 'EUR' })).status === 201,
      {
        timeoutMs: 1_000,
        intervalMs: 20,
      },
    );
    expect((await ms.act(owner, draft, 'propose')).status).toBe(409); // cancelled above: the state machine's answer, not the lock's
    // Messaging's projection is a queue of its own: the owner posts again within a second as well.
    await eventually('the unlock in messaging', async () => (await post(owner, { text: 'Paid: back to work' })).status === 201, {
      timeoutMs: 1_000,
      intervalMs: 100,
    });
    // The edited and deleted messages are what the probes left; the client's message is there.
    const page = await api().get(`${thread}/messages`).set(as(e.client));
    expect(page.body.items.map((m: { text: string | null }) => m.text)).toEqual(
      expect.arrayContaining(['Paid: back to work', 'Any news on the launch?', 'Plan, final', null]),
    );
  }, 300_000);

  it('internal notes follow the plan: 402 on free, posted on pro, still readable after a downgrade', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Note taker');
    const ws = await createWorkspace(platform.gatewayUrl, owner, 'Notes');
    const general = await generalThreadOf(ws.id, owner);
    const note = (text: string) => postTo(ws.id, general, owner, { text, internal: true });

    const onFree = await note('client pays late');
    expect(onFree.status).toBe(402);
    expect(onFree.body.error).toMatchObject({
      code: 'internal_notes_not_in_plan',
      details: { plan: 'free', feature: 'internalNotes', planThatLifts: 'pro' },
    });
    // Plain messages are every plan's.
    expect((await postTo(ws.id, general, owner, { text: 'Welcome aboard' })).status).toBe(201);

    await entitlements.next(owner.accountId, { plan: 'pro' });
    await messagingSees(owner.accountId, { plan: 'pro' });
    const kept = await note('client pays late, be firm');
    expect(kept.status).toBe(201);

    // A downgrade refuses new notes only: the one written on pro stays readable.
    await entitlements.next(owner.accountId, { plan: 'free' });
    await messagingSees(owner.accountId, { plan: 'free' });
    expect((await note('and again')).body.error?.code).toBe('internal_notes_not_in_plan');
    const page = await api().get(`/api/v1/workspaces/${ws.id}/threads/${general}/messages`).set(bearer(owner.token));
    expect(page.status).toBe(200);
    expect(page.body.items.filter((m: { internal: boolean }) => m.internal)).toEqual([
      expect.objectContaining({ id: kept.body.id, text: 'client pays late, be firm', internal: true }),
    ]);
  });

  it('one account’s lock never applies to another', async () => {
    const other = await signUp(platform.gatewayUrl, 'Neighbour');
    const ws = await createWorkspace(platform.gatewayUrl, other);
    const stranger = await signUp(platform.gatewayUrl, 'Locked stranger');
    await entitlements.next(stranger.accountId, { plan: 'free', standing: 'locked' });
    await workspaceSees(stranger.accountId, { standing: 'locked' });
    expect((await createWs(stranger)).status).toBe(402);
    expect((await createWs(other)).status).toBe(201);
    expect(
      (await api().post(`/api/v1/workspaces/${ws.id}/invitations`).set(bearer(other.token)).send({ role: 'collaborator' })).status,
    ).toBe(201);
    // A member of the locked account's workspace is refused for that account's workspace only.
    const lockedWs = await (async () => {
      await entitlements.next(stranger.accountId, { plan: 'free', standing: 'active' });
      await workspaceSees(stranger.accountId, { standing: 'active' });
      return createWorkspace(platform.gatewayUrl, stranger, 'Shared');
    })();
    const collaborator = await inviteAndJoin(platform.gatewayUrl, stranger, lockedWs.id, 'collaborator', other);
    await entitlements.next(stranger.accountId, { plan: 'free', standing: 'locked' });
    await workspaceSees(stranger.accountId, { standing: 'locked' });
    expect((await createWs(stranger)).status).toBe(402);
    const inLocked = await api()
      .post(`/api/v1/workspaces/${lockedWs.id}/files`)
      .set(bearer(collaborator.token))
      .send({ name: 'a.txt', size: 1, contentType: 'text/plain' });
    expect([inLocked.status, inLocked.body.error?.code]).toEqual([402, 'account_locked']);
    const inOwn = await api()
      .post(`/api/v1/workspaces/${ws.id}/files`)
      .set(bearer(other.token))
      .send({ name: 'a.txt', size: 1, contentType: 'text/plain' });
    expect(inOwn.status).toBe(201);
  });
});
