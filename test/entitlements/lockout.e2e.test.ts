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
 * disputes, refund requests), not just "not refused". Billing runs no service here: its
 * own routes answer 503, which still shows nothing before billing refuses them.
 */
describe('lockout: a locked account refuses new work and nothing else', () => {
  let s3: TestS3;
  let platform: RunningPlatform;
  let entitlements: EntitlementsPublisher;
  let billing: BillingPublisher;
  let system: DataSource;
  let e: Engagement;
  let ms: ReturnType<typeof milestoneApi>;
  const api = () => request(platform.gatewayUrl);
  const base = () => `/api/v1/workspaces/${e.workspaceId}`;

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files'],
      env: { files: s3.filesEnv({ FILES_CLEANUP_INTERVAL_SECONDS: '0' }), workspace: { REVIEW_TIMER_POLL_MS: '0' } },
    });
    entitlements = await EntitlementsPublisher.connect(platform.amqpUrl);
    billing = await BillingPublisher.connect(platform.amqpUrl);
    system = await connectServiceDb('workspace', 'system', platform.dbPrefix);
    e = await engagement(platform, { plan: null });
    ms = milestoneApi(platform, e);
  }, 180_000);

  afterAll(async () => {
    await entitlements?.close();
    await billing?.close();
    await system?.destroy();
    await platform?.close();
    await s3?.close();
  });

  const createWs = (who: SignedUpUser) => api().post('/api/v1/workspaces').set(bearer(who.token)).send({ name: 'Next job' });

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
    const task = await api().post(`${base()}/tasks`).set(bearer(e.freelancer.token)).send({ title: 'Wireframes' });
    const invitation = await api().post(`${base()}/invitations`).set(bearer(e.freelancer.token)).send({ role: 'collaborator' });
    const pendingInvite = await api().post(`${base()}/invitations`).set(bearer(e.client.token)).send({ role: 'client_viewer', maxUses: 2 });
    expect([task.status, invitation.status, pendingInvite.status]).toEqual([201, 201, 201]);

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

    // locked.
    await entitlements.next(e.accountId, { plan: 'free', standing: 'locked' });
    await eventually('the lock to apply', async () => (await createWs(e.freelancer)).status === 402);

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
      'GET /api/v1/admin/disputes': () => api().get('/api/v1/admin/disputes').set(as(owner)),
      'GET /api/v1/admin/disputes/:disputeId': () => api().get(`/api/v1/admin/disputes/${randomUUID()}`).set(as(owner)),
      'POST /api/v1/admin/disputes/:disputeId/resolve': () =>
        api().post(`/api/v1/admin/disputes/${randomUUID()}/resolve`).set(as(owner)).send({ outcome: 'refund' }),
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/pay': () =>
        api().post(`${base()}/milestones/${toSubmit.id}/pay`).set(as(e.client)).send({}),
      'GET /api/v1/workspaces/:workspaceId/milestones/:milestoneId/dispute': () =>
        api().get(`${base()}/milestones/${toDispute.id}/dispute`).set(as(e.client)),
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/dispute/evidence': () =>
        api().post(`${base()}/milestones/${toDispute.id}/dispute/evidence`).set(as(owner)).send({ statement: 'Delivered as agreed.' }),
      'POST /api/v1/billing/checkout': () => api().post('/api/v1/billing/checkout').set(as(owner)).send({ plan: 'pro', interval: 'month' }),
      'GET /api/v1/billing/subscription': () => api().get('/api/v1/billing/subscription').set(as(owner)),
      'POST /api/v1/billing/subscription/change': () =>
        api().post('/api/v1/billing/subscription/change').set(as(owner)).send({ plan: 'pro', interval: 'month' }),
      'POST /api/v1/billing/subscription/cancel': () => api().post('/api/v1/billing/subscription/cancel').set(as(owner)).send({}),
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
      'POST /api/v1/billing/subscription/change',
      'POST /api/v1/billing/subscription/cancel',
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
      'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/withdraw-dispute',
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
  }, 300_000);

  it('one account’s lock never applies to another', async () => {
    const other = await signUp(platform.gatewayUrl, 'Neighbour');
    const ws = await createWorkspace(platform.gatewayUrl, other);
    const stranger = await signUp(platform.gatewayUrl, 'Locked stranger');
    await entitlements.next(stranger.accountId, { plan: 'free', standing: 'locked' });
    await eventually('the stranger’s lock', async () => (await createWs(stranger)).status === 402);
    expect((await createWs(other)).status).toBe(201);
    expect(
      (await api().post(`/api/v1/workspaces/${ws.id}/invitations`).set(bearer(other.token)).send({ role: 'collaborator' })).status,
    ).toBe(201);
    // A member of the locked account's workspace is refused for that account's workspace only.
    const lockedWs = await (async () => {
      await entitlements.next(stranger.accountId, { plan: 'free', standing: 'active' });
      await eventually('unlock', async () => (await createWs(stranger)).status === 201);
      return createWorkspace(platform.gatewayUrl, stranger, 'Shared');
    })();
    const collaborator = await inviteAndJoin(platform.gatewayUrl, stranger, lockedWs.id, 'collaborator', other);
    await entitlements.next(stranger.accountId, { plan: 'free', standing: 'locked' });
    await eventually('the lock again', async () => (await createWs(stranger)).status === 402);
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
