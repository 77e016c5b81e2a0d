import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { can, WORKSPACE_ROLES, WorkspaceAction, WorkspaceRole } from '@fpms/auth';
import {
  bearer,
  createWorkspace,
  inviteAndJoin,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
  onboardToConnect,
  grantPlan,
  startTestS3,
  TestS3,
} from '@fpms/harness';
import { BillingEvents } from '@fpms/contracts';
import { uploadFile } from '../files/files-fixtures';
import { BillingPublisher } from '../milestones/support';
import { ACCOUNT_DASHBOARD_ROUTE, MILESTONE_CASES, MilestoneWorld, prepareMilestoneWorld } from './milestone-cases';
import { discoverRoutes, needsIsolationCase } from './route-catalog';
import { prepareThreadWorld, THREAD_CASES, ThreadWorld } from './thread-cases';
import { prepareTimeWorld, TIME_CASES, TimeWorld } from './time-cases';

/**
 * The isolation suite. Two tenants with workspaces, members and data; then every gateway
 * route that takes an id is tried as a member of the *other* tenant (must be 404, no
 * existence leak) and as each weaker role of the same workspace (2xx or 403, exactly as
 * the permission matrix says), and the data must be unchanged afterwards. Routes are
 * discovered from the running app: a new route with an id and no case here fails.
 */

interface World {
  workspaceA: string;
  accountA: string;
  victimMember: string;
  invitationA: string;
  /** A ready file in the snapshot: probes may read it, never change it. */
  fileA: { fileId: string; versionId: string };
  /** Files made for the probes that the matrix lets weaker roles change (not in the snapshot). */
  scratch: Record<'upload' | 'delete' | 'pin' | 'versions', { fileId: string; versionId: string }>;
  /** Milestones, tasks and their scratch targets (milestone-cases.ts). */
  ms: MilestoneWorld;
  /** Client viewers of the scratch workspace the client admin may re-role or remove (one probe each). */
  scratchMembers: { promote: string; remove: string };
  /** Threads and messages (thread-cases.ts). */
  threads: ThreadWorld;
  /** An invoice of a payment made through Checkout in the scratch workspace, its PDF stored. */
  invoice: { workspaceId: string; id: string };
  /** Time entries, the timer and hourly contracts (time-cases.ts). */
  time: TimeWorld;
}

type Probe = { method: string; path: string; body?: object };

type Case =
  | {
      kind: 'workspace';
      action: WorkspaceAction;
      mutates: boolean;
      /** `role`: the weaker role about to send it (probes with a target per role use it). */
      probe: (w: World, role?: Exclude<WorkspaceRole, 'owner'>) => Probe;
      /** Set when roles the matrix allows may run this mutating probe: it acts on a scratch target, idempotently. */
      disposable?: string;
      /** The service's own answer to the roles the matrix allows, when it is not a 2xx (the target's state refuses it). */
      allowedAnswer?: { status: number; code: string; why: string };
    }
  | { kind: 'admin'; probe: (w: World) => Probe }
  /** The account's own freelancer only: everyone else, members included, gets 404. */
  | { kind: 'account'; probe: (w: World) => Probe }
  | { kind: 'capability'; probe: (w: World) => Probe; why: string };

const CASES: Record<string, Case> = {
  ...MILESTONE_CASES,
  ...THREAD_CASES,
  ...TIME_CASES,
  [ACCOUNT_DASHBOARD_ROUTE]: { kind: 'account', probe: (w) => ({ method: 'GET', path: `/api/v1/accounts/${w.accountA}/dashboard` }) },
  'GET /api/v1/workspaces/:workspaceId': {
    kind: 'workspace',
    action: WorkspaceAction.ReadWorkspace,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.workspaceA}` }),
  },
  'PATCH /api/v1/workspaces/:workspaceId': {
    kind: 'workspace',
    action: WorkspaceAction.UpdateWorkspace,
    mutates: true,
    probe: (w) => ({ method: 'PATCH', path: `/api/v1/workspaces/${w.workspaceA}`, body: { name: 'hijacked' } }),
  },
  'GET /api/v1/workspaces/:workspaceId/members': {
    kind: 'workspace',
    action: WorkspaceAction.ReadMembers,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.workspaceA}/members` }),
  },
  // Client-side members are the client admin's to manage: these act on scratch viewers.
  'PATCH /api/v1/workspaces/:workspaceId/members/:userId': {
    kind: 'workspace',
    action: WorkspaceAction.ManageClientSide,
    mutates: true,
    disposable: 'promotes a scratch viewer (idempotent)',
    probe: (w) => ({
      method: 'PATCH',
      path: `/api/v1/workspaces/${w.ms.scratch}/members/${w.scratchMembers.promote}`,
      body: { role: 'client_admin' },
    }),
  },
  'DELETE /api/v1/workspaces/:workspaceId/members/:userId': {
    kind: 'workspace',
    action: WorkspaceAction.ManageClientSide,
    mutates: true,
    disposable: 'removes a scratch viewer (only the client admin may, once)',
    probe: (w) => ({ method: 'DELETE', path: `/api/v1/workspaces/${w.ms.scratch}/members/${w.scratchMembers.remove}` }),
  },
  // A collaborator invitation: the freelancer side's, so the client admin may neither create nor revoke one.
  'POST /api/v1/workspaces/:workspaceId/invitations': {
    kind: 'workspace',
    action: WorkspaceAction.ManageFreelancerSide,
    mutates: true,
    probe: (w) => ({ method: 'POST', path: `/api/v1/workspaces/${w.workspaceA}/invitations`, body: { role: 'collaborator' } }),
  },
  'GET /api/v1/workspaces/:workspaceId/invitations': {
    kind: 'workspace',
    action: WorkspaceAction.ManageInvitations,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.workspaceA}/invitations` }),
  },
  'DELETE /api/v1/workspaces/:workspaceId/invitations/:invitationId': {
    kind: 'workspace',
    action: WorkspaceAction.ManageFreelancerSide,
    mutates: true,
    probe: (w) => ({ method: 'DELETE', path: `/api/v1/workspaces/${w.workspaceA}/invitations/${w.invitationA}` }),
  },
  // Invoices: every member reads them (both sides); the buyer's details are the client admin's.
  'GET /api/v1/workspaces/:workspaceId/invoices': {
    kind: 'workspace',
    action: WorkspaceAction.ReadMilestones,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.invoice.workspaceId}/invoices` }),
  },
  'GET /api/v1/workspaces/:workspaceId/invoices/:invoiceId': {
    kind: 'workspace',
    action: WorkspaceAction.ReadMilestones,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.invoice.workspaceId}/invoices/${w.invoice.id}` }),
  },
  'GET /api/v1/workspaces/:workspaceId/invoices/:invoiceId/pdf': {
    kind: 'workspace',
    action: WorkspaceAction.ReadMilestones,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.invoice.workspaceId}/invoices/${w.invoice.id}/pdf` }),
  },
  'PUT /api/v1/workspaces/:workspaceId/invoice-buyer': {
    kind: 'workspace',
    action: WorkspaceAction.FundMilestones,
    mutates: true,
    disposable: "sets the scratch workspace's buyer details to the same value (idempotent)",
    probe: (w) => ({ method: 'PUT', path: `/api/v1/workspaces/${w.invoice.workspaceId}/invoice-buyer`, body: { name: 'Scratch client' } }),
  },
  'GET /api/v1/workspaces/:workspaceId/activity': {
    kind: 'workspace',
    action: WorkspaceAction.ReadActivity,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.workspaceA}/activity` }),
  },
  'POST /api/v1/workspaces/:workspaceId/files': {
    kind: 'workspace',
    action: WorkspaceAction.UploadFiles,
    mutates: true,
    disposable: 'each probe registers a new pending upload of its own',
    probe: (w) => ({
      method: 'POST',
      path: `/api/v1/workspaces/${w.workspaceA}/files`,
      body: { name: 'probe.txt', size: 3, contentType: 'text/plain' },
    }),
  },
  'GET /api/v1/workspaces/:workspaceId/files': {
    kind: 'workspace',
    action: WorkspaceAction.ReadFiles,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.workspaceA}/files` }),
  },
  'GET /api/v1/workspaces/:workspaceId/files/:fileId': {
    kind: 'workspace',
    action: WorkspaceAction.ReadFiles,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.workspaceA}/files/${w.fileA.fileId}` }),
  },
  'GET /api/v1/workspaces/:workspaceId/files/:fileId/download': {
    kind: 'workspace',
    action: WorkspaceAction.ReadFiles,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.workspaceA}/files/${w.fileA.fileId}/download` }),
  },
  'DELETE /api/v1/workspaces/:workspaceId/files/:fileId': {
    kind: 'workspace',
    action: WorkspaceAction.DeleteFiles,
    mutates: true,
    disposable: 'soft-deletes a scratch file (idempotent)',
    probe: (w) => ({ method: 'DELETE', path: `/api/v1/workspaces/${w.workspaceA}/files/${w.scratch.delete.fileId}` }),
  },
  'POST /api/v1/workspaces/:workspaceId/files/:fileId/restore': {
    kind: 'workspace',
    action: WorkspaceAction.DeleteFiles,
    mutates: true,
    disposable: 'restores the same scratch file (idempotent)',
    probe: (w) => ({ method: 'POST', path: `/api/v1/workspaces/${w.workspaceA}/files/${w.scratch.delete.fileId}/restore` }),
  },
  'POST /api/v1/workspaces/:workspaceId/files/:fileId/versions': {
    kind: 'workspace',
    action: WorkspaceAction.UploadFiles,
    mutates: true,
    disposable: 'adds a pending version to a scratch file',
    probe: (w) => ({
      method: 'POST',
      path: `/api/v1/workspaces/${w.workspaceA}/files/${w.scratch.upload.fileId}/versions`,
      body: { size: 3, contentType: 'text/plain' },
    }),
  },
  'POST /api/v1/workspaces/:workspaceId/files/:fileId/versions/:versionId/complete': {
    kind: 'workspace',
    action: WorkspaceAction.UploadFiles,
    mutates: true,
    disposable: 'completes a scratch version that is already ready (idempotent)',
    probe: (w) => ({
      method: 'POST',
      path: `/api/v1/workspaces/${w.workspaceA}/files/${w.scratch.upload.fileId}/versions/${w.scratch.upload.versionId}/complete`,
    }),
  },
  'POST /api/v1/workspaces/:workspaceId/files/:fileId/versions/:versionId/pin': {
    kind: 'workspace',
    action: WorkspaceAction.PinFiles,
    mutates: true,
    disposable: 'pins a scratch version (idempotent)',
    probe: (w) => ({
      method: 'POST',
      path: `/api/v1/workspaces/${w.workspaceA}/files/${w.scratch.pin.fileId}/versions/${w.scratch.pin.versionId}/pin`,
    }),
  },
  'DELETE /api/v1/workspaces/:workspaceId/files/:fileId/versions/:versionId/pin': {
    kind: 'workspace',
    action: WorkspaceAction.PinFiles,
    mutates: true,
    disposable: 'unpins the same scratch version (no milestone needs it; idempotent)',
    probe: (w) => ({
      method: 'DELETE',
      path: `/api/v1/workspaces/${w.workspaceA}/files/${w.scratch.pin.fileId}/versions/${w.scratch.pin.versionId}/pin`,
    }),
  },
  'DELETE /api/v1/workspaces/:workspaceId/files/:fileId/versions/:versionId': {
    kind: 'workspace',
    action: WorkspaceAction.DeleteFiles,
    mutates: true,
    disposable: 'deletes the older of two scratch versions; only the collaborator may, once',
    probe: (w) => ({
      method: 'DELETE',
      path: `/api/v1/workspaces/${w.workspaceA}/files/${w.scratch.versions.fileId}/versions/${w.scratch.versions.versionId}`,
    }),
  },
  'GET /api/v1/admin/accounts/:accountId/workspaces': {
    kind: 'admin',
    probe: (w) => ({ method: 'GET', path: `/api/v1/admin/accounts/${w.accountA}/workspaces` }),
  },
  'GET /api/v1/admin/audit': { kind: 'admin', probe: () => ({ method: 'GET', path: '/api/v1/admin/audit' }) },
  // In-app disputes across tenants: refused by the gateway's admin guard before the workspace is asked.
  'GET /api/v1/admin/disputes': { kind: 'admin', probe: () => ({ method: 'GET', path: '/api/v1/admin/disputes' }) },
  'GET /api/v1/admin/disputes/:disputeId': {
    kind: 'admin',
    probe: (w) => ({ method: 'GET', path: `/api/v1/admin/disputes/${w.ms.m.evidence}` }),
  },
  'POST /api/v1/admin/disputes/:disputeId/resolve': {
    kind: 'admin',
    probe: (w) => ({ method: 'POST', path: `/api/v1/admin/disputes/${w.ms.m.evidence}/resolve`, body: { outcome: 'refund' } }),
  },
  // Billing's webhook ledger (all tenants' events): platform admins only, refused by the gateway before billing is asked.
  'GET /api/v1/admin/billing/webhook-events': {
    kind: 'admin',
    probe: () => ({ method: 'GET', path: '/api/v1/admin/billing/webhook-events?status=failed' }),
  },
  // Reconciliation reads and repairs every tenant's orders: platform admins only, refused by the gateway before billing runs anything.
  'POST /api/v1/admin/billing/reconciliations': {
    kind: 'admin',
    probe: () => ({ method: 'POST', path: '/api/v1/admin/billing/reconciliations' }),
  },
  // Approval chains (approval-chains.e2e covers who may pass a gate; here: nobody outside the tenant gets anything).
  'GET /api/v1/workspaces/:workspaceId/approvals': {
    kind: 'workspace',
    action: WorkspaceAction.ReadMilestones,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.workspaceA}/approvals` }),
  },
  'GET /api/v1/workspaces/:workspaceId/approval-policies': {
    kind: 'workspace',
    action: WorkspaceAction.ReadMilestones,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.workspaceA}/approval-policies` }),
  },
  // The freelancer side's submit policy: the owner's alone, so every weaker role is refused and nothing changes.
  'PUT /api/v1/workspaces/:workspaceId/approval-policies/:action': {
    kind: 'workspace',
    action: WorkspaceAction.ManageFreelancerSide,
    mutates: true,
    probe: (w) => ({
      method: 'PUT',
      path: `/api/v1/workspaces/${w.workspaceA}/approval-policies/submit`,
      body: { gates: [{ name: 'Review', approvers: { roles: ['owner'] }, required: 1 }] },
    }),
  },
  'DELETE /api/v1/workspaces/:workspaceId/approval-policies/:action': {
    kind: 'workspace',
    action: WorkspaceAction.ManageFreelancerSide,
    mutates: true,
    probe: (w) => ({ method: 'DELETE', path: `/api/v1/workspaces/${w.workspaceA}/approval-policies/submit` }),
  },
  ...Object.fromEntries(
    (['approve', 'reject', 'cancel'] as const).map((step) => [
      `POST /api/v1/workspaces/:workspaceId/approvals/:requestId/${step}`,
      {
        kind: 'capability',
        why: 'who may decide is per request (the gate, the requester: approval-chains.e2e); another tenant is refused at the workspace',
        probe: (w: World) => ({
          method: 'POST',
          path: `/api/v1/workspaces/${w.workspaceA}/approvals/${randomUUID()}/${step}`,
          body: step === 'reject' ? { reason: 'no' } : {},
        }),
      } satisfies Case,
    ]),
  ),
  'POST /api/v1/invitations/:token/signup': {
    kind: 'capability',
    why: 'public by design: the token lets its holder create a client user for that workspace (tested in invited-signup.e2e); a guessed token creates nothing',
    probe: () => ({
      method: 'POST',
      path: `/api/v1/invitations/inv_${randomUUID().replace(/-/g, '')}/signup`,
      body: { email: `guess-${randomUUID()}@example.test`, password: 'a perfectly fine password', name: 'Guesser' },
    }),
  },
  'POST /api/v1/invitations/:token/accept': {
    kind: 'capability',
    why: 'the token is the permission: whoever holds it may join (tested in invitations.e2e); a guessed token must find nothing',
    probe: () => ({ method: 'POST', path: `/api/v1/invitations/inv_${randomUUID().replace(/-/g, '')}/accept` }),
  },
  'POST /api/v1/me/notifications/:notificationId/read': {
    kind: 'capability',
    why: "the caller's own notifications only (tested with real ones in notifications-api.e2e): notification 1 is someone else's",
    probe: () => ({ method: 'POST', path: '/api/v1/me/notifications/1/read' }),
  },
  'DELETE /api/v1/me/sessions/:sessionId': {
    kind: 'capability',
    why: "the caller's own sessions only (tested with another user's real session in test/security/sessions.e2e): a guessed id names nothing",
    probe: () => ({ method: 'DELETE', path: `/api/v1/me/sessions/${randomUUID()}` }),
  },
  'GET /api/v1/me/exports/:exportId': {
    kind: 'capability',
    why: "the caller's own exports only (tested with another user's real export in test/security/data-export.e2e): a guessed id names nothing",
    probe: () => ({ method: 'GET', path: `/api/v1/me/exports/${randomUUID()}` }),
  },
  'GET /api/v1/me/exports/:exportId/download': {
    kind: 'capability',
    why: "the caller's own exports only (tested with another user's real export in test/security/data-export.e2e): a guessed id downloads nothing",
    probe: () => ({ method: 'GET', path: `/api/v1/me/exports/${randomUUID()}/download` }),
  },
  'GET /api/v1/unsubscribe/:token': {
    kind: 'capability',
    why: 'public by design: the signed token is the permission (tested in notification-email.e2e); a guessed token names nothing',
    probe: () => ({ method: 'GET', path: `/api/v1/unsubscribe/${Buffer.from(randomUUID()).toString('base64url')}.guess` }),
  },
  'POST /api/v1/unsubscribe/:token': {
    kind: 'capability',
    why: 'public by design: the signed token is the permission (tested in notification-email.e2e); a guessed token unsubscribes nobody',
    probe: () => ({ method: 'POST', path: `/api/v1/unsubscribe/${Buffer.from(randomUUID()).toString('base64url')}.guess` }),
  },
};

const WEAKER_ROLES = WORKSPACE_ROLES.filter((r) => r !== 'owner') as Exclude<WorkspaceRole, 'owner'>[];

describe('tenant isolation across every gateway route that takes an id', () => {
  let platform: RunningPlatform;
  let s3: TestS3;
  let owner: SignedUpUser;
  let outsider: SignedUpUser;
  /** Tenant B's client admin: probes as the other tenant go out as both of B's sides. */
  let outsiderClient: SignedUpUser;
  const members = {} as Record<Exclude<WorkspaceRole, 'owner'>, SignedUpUser>;
  let world: World;
  let outsiderWorkspace: string;

  const send = (probe: Probe, token: string) => {
    const agent = request(platform.gatewayUrl);
    const req =
      probe.method === 'GET'
        ? agent.get(probe.path)
        : probe.method === 'POST'
          ? agent.post(probe.path)
          : probe.method === 'PATCH'
            ? agent.patch(probe.path)
            : probe.method === 'PUT'
              ? agent.put(probe.path)
              : agent.delete(probe.path);
    return req.set(bearer(token)).send(probe.body ?? {});
  };

  /** A milestone of `workspaceId` paid through the emulator's Checkout: billing invoices it and stores its PDF. */
  async function paidInvoice(workspaceId: string): Promise<{ workspaceId: string; id: string }> {
    const api = () => request(platform.gatewayUrl);
    const base = `/api/v1/workspaces/${workspaceId}/milestones`;
    const id = (await api().post(base).set(bearer(owner.token)).send({ title: 'Invoiced', amount: 1000, currency: 'EUR' })).body
      .id as string;
    await api().post(`${base}/${id}/propose`).set(bearer(owner.token)).send({});
    await api().post(`${base}/${id}/accept`).set(bearer(members.client_admin.token)).send({});
    await api().post(`${base}/${id}/fund`).set(bearer(members.client_admin.token)).send({});
    const session = (await api().get(`${base}/${id}/payment`).set(bearer(owner.token))).body.stripe.checkoutSessionId as string;
    await platform.stripe!.emulator.control.completeCheckout(session, { outcome: 'success' });
    for (const deadline = Date.now() + 30_000; ;) {
      const items = (await api().get(`/api/v1/workspaces/${workspaceId}/invoices`).set(bearer(owner.token))).body.items as
        Array<{ id: string; milestoneId: string; pdf: { status: string } }> | undefined;
      const invoice = items?.find((i) => i.milestoneId === id && i.pdf.status === 'stored');
      if (invoice) return { workspaceId, id: invoice.id };
      if (Date.now() > deadline) throw new Error('the paid milestone was not invoiced');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Everything a probe could have changed, as the owners see it. */
  async function snapshot() {
    const api = request(platform.gatewayUrl);
    const get = async (path: string, token: string) => {
      const res = await api.get(path).set(bearer(token));
      return { status: res.status, body: res.body };
    };
    return {
      workspace: await get(`/api/v1/workspaces/${world.workspaceA}`, owner.token),
      members: await get(`/api/v1/workspaces/${world.workspaceA}/members`, owner.token),
      invitations: await get(`/api/v1/workspaces/${world.workspaceA}/invitations`, owner.token),
      activity: await get(`/api/v1/workspaces/${world.workspaceA}/activity?limit=200`, owner.token),
      file: await get(`/api/v1/workspaces/${world.workspaceA}/files/${world.fileA.fileId}`, owner.token),
      milestones: await get(`/api/v1/workspaces/${world.workspaceA}/milestones`, owner.token),
      tasks: await get(`/api/v1/workspaces/${world.workspaceA}/tasks`, owner.token),
      taskStatuses: await get(`/api/v1/workspaces/${world.workspaceA}/task-statuses`, owner.token),
      dashboard: await get(`/api/v1/workspaces/${world.workspaceA}/dashboard`, owner.token),
      messages: await get(`/api/v1/workspaces/${world.workspaceA}/threads/${world.threads.threadA}/messages`, owner.token),
      timeEntries: await get(`/api/v1/workspaces/${world.workspaceA}/time-entries?limit=200`, owner.token),
      timesheet: await get(`/api/v1/workspaces/${world.workspaceA}/time-entries/summary?week=2026-W02`, owner.token),
      hourlyContract: await get(`/api/v1/workspaces/${world.workspaceA}/hourly-contract`, owner.token),
      timeWeeks: await get(`/api/v1/workspaces/${world.workspaceA}/time-weeks/${world.time.weekA}`, owner.token),
      outsiderWorkspace: await get(`/api/v1/workspaces/${outsiderWorkspace}/members`, outsider.token),
    };
  }

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      // Billing too: funding a milestone opens its Checkout there (and tenant A's freelancer onboards to Connect).
      // Messaging for threads and messages, and the caller's own notifications.
      services: ['gateway', 'workspace', 'files', 'billing', 'messaging'],
      // Deliverables are pinned for real: a foreign version as a deliverable must be refused.
      env: { files: s3.filesEnv({ FILES_CLEANUP_INTERVAL_SECONDS: '0' }) },
    });
    owner = await signUp(platform.gatewayUrl, 'Owner A');
    await onboardToConnect(platform.gatewayUrl, owner);
    outsider = await signUp(platform.gatewayUrl, 'Owner B');
    await onboardToConnect(platform.gatewayUrl, outsider);
    // Both tenants on enterprise: the world has more members, proposals and board changes than the free plan allows.
    await grantPlan(platform, owner.accountId, 'enterprise');
    await grantPlan(platform, outsider.accountId, 'enterprise');
    const a = await createWorkspace(platform.gatewayUrl, owner, 'Tenant A engagement');
    outsiderWorkspace = (await createWorkspace(platform.gatewayUrl, outsider, 'Tenant B engagement')).id;
    // Tenant B has a client too, so "member of the other tenant" covers both sides.
    outsiderClient = await inviteAndJoin(platform.gatewayUrl, outsider, outsiderWorkspace, 'client_admin');
    // Each side invites its own: the owner the collaborator and the first client admin, who invites the viewers.
    for (const role of WEAKER_ROLES)
      members[role] = await inviteAndJoin(platform.gatewayUrl, role === 'client_viewer' ? members.client_admin : owner, a.id, role);
    const victim = await inviteAndJoin(platform.gatewayUrl, members.client_admin, a.id, 'client_viewer');
    const invitation = await request(platform.gatewayUrl)
      .post(`/api/v1/workspaces/${a.id}/invitations`)
      .set(bearer(owner.token))
      .send({ role: 'collaborator', maxUses: 3 });
    const upload = (name: string) => uploadFile(platform.gatewayUrl, owner, a.id, name, 'abc');
    const versions = await upload('versions.txt');
    const second = await request(platform.gatewayUrl)
      .post(`/api/v1/workspaces/${a.id}/files/${versions.fileId}/versions`)
      .set(bearer(owner.token))
      .send({ size: 3, contentType: 'text/plain' });
    await fetch(second.body.upload.url, { method: 'PUT', body: 'def', headers: { 'Content-Type': 'text/plain' } });
    await request(platform.gatewayUrl)
      .post(`/api/v1/workspaces/${a.id}/files/${versions.fileId}/versions/${second.body.version.id}/complete`)
      .set(bearer(owner.token))
      .send({});
    world = {
      workspaceA: a.id,
      accountA: a.accountId,
      victimMember: victim.userId,
      invitationA: invitation.body.id,
      fileA: await upload('in-snapshot.txt'),
      scratch: { upload: await upload('upload.txt'), delete: await upload('delete.txt'), pin: await upload('pin.txt'), versions },
      ms: await prepareMilestoneWorld(
        platform,
        owner,
        a.id,
        a.accountId,
        members,
        async (ws, name) => (await uploadFile(platform.gatewayUrl, owner, ws, name, 'abc')).versionId,
      ),
      scratchMembers: { promote: '', remove: '' },
      threads: undefined as unknown as ThreadWorld,
      invoice: { workspaceId: '', id: '' },
      time: undefined as unknown as TimeWorld,
    };
    world.threads = await prepareThreadWorld(platform, owner, a.id, world.ms.scratch, members);
    world.time = await prepareTimeWorld(platform, owner, a.id, world.ms.scratch, members);
    world.invoice = await paidInvoice(world.ms.scratch);
    world.scratchMembers = {
      promote: (await inviteAndJoin(platform.gatewayUrl, members.client_admin, world.ms.scratch, 'client_viewer')).userId,
      remove: (await inviteAndJoin(platform.gatewayUrl, members.client_admin, world.ms.scratch, 'client_viewer')).userId,
    };
    // Three services, a funded milestone and a dozen members on a shared 2-core machine.
  }, 240_000);

  afterAll(async () => {
    await platform?.close();
    await s3?.close();
  });

  it('has a case for every route that takes an id, and every admin route (add one when you add a route)', () => {
    const withIds = discoverRoutes(platform.apps.gateway!)
      .filter(needsIsolationCase)
      .map((r) => `${r.method} ${r.path}`);
    expect(withIds.length).toBeGreaterThan(5);
    expect(withIds.filter((key) => !CASES[key])).toEqual([]);
    // And no stale cases for routes that no longer exist.
    expect(Object.keys(CASES).filter((key) => !withIds.includes(key))).toEqual([]);
  });

  it('answers every probe as the matrix says, and changes nothing', async () => {
    const before = await snapshot();
    expect(before.members.body.items).toHaveLength(5);
    const outcomes: string[] = [];
    const expectations: string[] = [];

    for (const [route, c] of Object.entries(CASES)) {
      const probe = c.probe(world);
      if (c.kind === 'workspace') {
        for (const [who, user] of [
          ['owner', outsider],
          ['client admin', outsiderClient],
        ] as const) {
          const foreign = await send(probe, user.token);
          outcomes.push(`${route} as other tenant's ${who} → ${foreign.status} ${foreign.body?.error?.code ?? ''}`.trim());
          expectations.push(`${route} as other tenant's ${who} → 404 workspace_not_found`);
        }
        for (const role of WEAKER_ROLES) {
          const allowed = can(role, c.action);
          if (allowed && c.mutates && !c.disposable)
            throw new Error(`${route}: ${role} may ${c.action}; give this case a disposable target before probing it`);
          const res = await send(c.probe(world, role), members[role].token);
          const answer = res.status < 300 ? 'ok' : `${res.status}${allowed && c.allowedAnswer ? ` ${res.body?.error?.code ?? ''}` : ''}`;
          outcomes.push(`${route} as ${role} → ${allowed ? answer : res.status}`);
          const allowedAnswer = c.allowedAnswer ? `${c.allowedAnswer.status} ${c.allowedAnswer.code}` : 'ok';
          expectations.push(`${route} as ${role} → ${allowed ? allowedAnswer : 403}`);
        }
      } else if (c.kind === 'account') {
        for (const user of [outsider, outsiderClient, ...WEAKER_ROLES.map((r) => members[r])]) {
          const res = await send(probe, user.token);
          outcomes.push(`${route} → ${res.status} ${res.body?.error?.code ?? ''}`.trim());
          expectations.push(`${route} → 404 account_not_found`);
        }
      } else if (c.kind === 'admin') {
        for (const user of [outsider, outsiderClient, owner, ...WEAKER_ROLES.map((r) => members[r])]) {
          const res = await send(probe, user.token);
          outcomes.push(`${route} → ${res.status}`);
          expectations.push(`${route} → 403`);
        }
      } else {
        const res = await send(probe, outsider.token);
        outcomes.push(`${route} with a guessed token → ${res.status}`);
        expectations.push(`${route} with a guessed token → 404`);
      }
    }
    expect(outcomes).toEqual(expectations);
    expect(await snapshot()).toEqual(before);
  });

  it("answers 404 for tenant A's ids under tenant B's own workspace path, as B's owner and client admin, and changes nothing", async () => {
    const before = await snapshot();
    const outcomes: string[] = [];
    const expectations: string[] = [];
    const own = (path: string) =>
      [world.workspaceA, world.ms.scratch].reduce((p, id) => p.replace(`/workspaces/${id}/`, `/workspaces/${outsiderWorkspace}/`), path);
    for (const [route, c] of Object.entries(CASES)) {
      // Only routes naming something besides the workspace: the rest would address B's own data.
      // (`:action` names a kind of policy, not tenant data: B's own policy of that kind is B's to change.)
      if (c.kind !== 'workspace' || (route.replace(/:action\b/, '').match(/:/g) ?? []).length < 2) continue;
      const probe = c.probe(world, 'client_admin');
      const path = own(probe.path);
      if (path === probe.path) throw new Error(`${route}: probe path has no workspace of tenant A to swap`);
      for (const [role, user] of [
        ['owner', outsider],
        ['client_admin', outsiderClient],
      ] as const) {
        const res = await send({ ...probe, path }, user.token);
        // A role without the action is refused before any id is looked at (403, the same for every id): no leak either.
        const refused = res.status === 404 || (res.status === 403 && !can(role, c.action));
        outcomes.push(`${route} under B's path as B's ${role} → ${refused ? 'refused' : `${res.status} ${res.body?.error?.code ?? ''}`}`);
        expectations.push(`${route} under B's path as B's ${role} → refused`);
      }
    }
    expect(outcomes).toEqual(expectations);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses tenant A's ids in tenant B's own bodies and queries (deliverable, version, assignee, milestone), and changes nothing", async () => {
    const api = () => request(platform.gatewayUrl);
    const b = `/api/v1/workspaces/${outsiderWorkspace}`;
    const ok = async (res: request.Test) => {
      const r = await res;
      if (r.status >= 300) throw new Error(`setup failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    // Tenant B's own funded milestone, file and task.
    const milestone = (
      await ok(api().post(`${b}/milestones`).set(bearer(outsider.token)).send({ title: 'B', amount: 1000, currency: 'EUR' }))
    ).id as string;
    await ok(api().post(`${b}/milestones/${milestone}/propose`).set(bearer(outsider.token)).send({}));
    await ok(api().post(`${b}/milestones/${milestone}/accept`).set(bearer(outsiderClient.token)).send({}));
    await ok(api().post(`${b}/milestones/${milestone}/fund`).set(bearer(outsiderClient.token)).send({}));
    const billing = await BillingPublisher.connect(platform.amqpUrl);
    try {
      const accountB = (await ok(api().get(b).set(bearer(outsider.token)))).accountId;
      await billing.milestone(
        BillingEvents.milestoneFunded,
        { id: milestone, workspaceId: outsiderWorkspace, accountId: accountB, amount: 1000, currency: 'EUR' },
        1,
      );
    } finally {
      await billing.close();
    }
    for (
      const deadline = Date.now() + 10_000;
      (await ok(api().get(`${b}/milestones/${milestone}`).set(bearer(outsider.token)))).status !== 'funded';
    ) {
      if (Date.now() > deadline) throw new Error('B milestone was not funded');
      await new Promise((r) => setTimeout(r, 50));
    }
    const fileB = await uploadFile(platform.gatewayUrl, outsider, outsiderWorkspace, 'b.txt', 'bbb');
    const taskB = (await ok(api().post(`${b}/tasks`).set(bearer(outsider.token)).send({ title: 'B task' }))).id as string;
    const before = await snapshot();
    const aVersion = world.fileA.versionId;
    const aUser = members.collaborator.userId;
    const aSpan = { startedAt: '2026-01-08T09:00:00Z', endedAt: '2026-01-08T10:00:00Z' };

    const probes: Array<[string, SignedUpUser, Probe]> = [
      [
        "A's version as B's deliverable",
        outsider,
        { method: 'POST', path: `${b}/milestones/${milestone}/submit`, body: { deliverableFileVersionId: aVersion } },
      ],
      [
        "A's version as versionId of B's download (owner)",
        outsider,
        { method: 'GET', path: `${b}/files/${fileB.fileId}/download?versionId=${aVersion}` },
      ],
      [
        "A's version as versionId of B's download (client admin)",
        outsiderClient,
        { method: 'GET', path: `${b}/files/${fileB.fileId}/download?versionId=${aVersion}` },
      ],
      ["A's version pinned under B's file", outsider, { method: 'POST', path: `${b}/files/${fileB.fileId}/versions/${aVersion}/pin` }],
      ["A's user as a new task's assignee", outsider, { method: 'POST', path: `${b}/tasks`, body: { title: 'x', assigneeUserId: aUser } }],
      [
        "A's user as assignee of B's task (client admin)",
        outsiderClient,
        { method: 'PATCH', path: `${b}/tasks/${taskB}`, body: { assigneeUserId: aUser } },
      ],
      [
        "A's milestone as a new task's milestone",
        outsider,
        { method: 'POST', path: `${b}/tasks`, body: { title: 'x', milestoneId: world.ms.milestoneA } },
      ],
      ["A's milestone on B's task", outsider, { method: 'PATCH', path: `${b}/tasks/${taskB}`, body: { milestoneId: world.ms.milestoneA } }],
      ["A's task on B's time entry", outsider, { method: 'POST', path: `${b}/time-entries`, body: { ...aSpan, taskId: world.ms.taskA } }],
      [
        "A's milestone on B's time entry",
        outsider,
        { method: 'POST', path: `${b}/time-entries`, body: { ...aSpan, milestoneId: world.ms.milestoneA } },
      ],
      ["A's task on B's timer", outsider, { method: 'POST', path: `${b}/timer/start`, body: { taskId: world.ms.taskA } }],
      [
        "A's contract accepted in B",
        outsiderClient,
        { method: 'POST', path: `${b}/hourly-contract/accept`, body: { contractId: world.time.scratchContract } },
      ],
      [
        "A's user as B's member",
        outsiderClient,
        { method: 'PATCH', path: `${b}/members/${world.victimMember}`, body: { role: 'client_admin' } },
      ],
    ];
    const outcomes = Object.fromEntries(
      await Promise.all(
        probes.map(
          async ([name, user, probe]) =>
            [name, await send(probe, user.token).then((r) => `${r.status} ${r.body?.error?.code ?? ''}`.trim())] as const,
        ),
      ),
    );
    expect(outcomes).toEqual({
      "A's version as B's deliverable": '422 deliverable_rejected',
      "A's version as versionId of B's download (owner)": '404 file_version_not_found',
      "A's version as versionId of B's download (client admin)": '404 file_version_not_found',
      "A's version pinned under B's file": '404 file_version_not_found',
      "A's user as a new task's assignee": '400 assignee_not_member',
      "A's user as assignee of B's task (client admin)": '400 assignee_not_member',
      "A's milestone as a new task's milestone": '400 unknown_milestone',
      "A's milestone on B's task": '400 unknown_milestone',
      "A's user as B's member": '404 member_not_found',
      "A's task on B's time entry": '422 unknown_task',
      "A's milestone on B's time entry": '422 unknown_time_milestone',
      "A's task on B's timer": '422 unknown_task',
      "A's contract accepted in B": '404 hourly_contract_not_found',
    });
    // Filters with A's ids find nothing of A's.
    for (const query of [`milestoneId=${world.ms.milestoneA}`, `assigneeUserId=${aUser}`]) {
      const list = await api().get(`${b}/tasks?${query}`).set(bearer(outsider.token));
      expect([list.status, list.body.items]).toEqual([200, []]);
    }
    const aTime = await api().get(`${b}/time-entries?userId=${aUser}`).set(bearer(outsider.token));
    expect([aTime.status, aTime.body.items]).toEqual([200, []]);
    const aSheet = await api().get(`${b}/time-entries/summary?week=2026-W02&userId=${aUser}`).set(bearer(outsiderClient.token));
    expect([aSheet.status, aSheet.body.totalMinutes]).toEqual([200, 0]);
    expect((await api().get(`${b}/milestones/${milestone}`).set(bearer(outsider.token))).body.status).toBe('funded');
    expect(await snapshot()).toEqual(before);
  });

  it('lists only the caller’s own workspaces', async () => {
    const api = request(platform.gatewayUrl);
    const ownList = await api.get('/api/v1/workspaces').set(bearer(outsider.token));
    expect(ownList.body.items.map((w: { id: string }) => w.id)).toEqual([outsiderWorkspace]);
    const memberList = await api.get('/api/v1/workspaces').set(bearer(members.client_viewer.token));
    // Tenant A's two workspaces (the second holds the milestone probes' scratch targets), nothing of tenant B.
    expect(memberList.body.items.map((w: { id: string; role: string }) => [w.id, w.role]).sort()).toEqual(
      [
        [world.workspaceA, 'client_viewer'],
        [world.ms.scratch, 'client_viewer'],
      ].sort(),
    );
  });
});
