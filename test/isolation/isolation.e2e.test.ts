import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { can, WORKSPACE_ROLES, WorkspaceAction, WorkspaceRole } from '@fpms/auth';
import { bearer, createWorkspace, inviteAndJoin, RunningPlatform, signUp, SignedUpUser, startPlatform, startTestS3, TestS3 } from '@fpms/testing';
import { uploadFile } from '../files/files-fixtures';
import { ACCOUNT_DASHBOARD_ROUTE, MILESTONE_CASES, MilestoneWorld, prepareMilestoneWorld } from './milestone-cases';
import { discoverRoutes } from './route-catalog';

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
    }
  | { kind: 'admin'; probe: (w: World) => Probe }
  /** The account's own freelancer only: everyone else, members included, gets 404. */
  | { kind: 'account'; probe: (w: World) => Probe }
  | { kind: 'capability'; probe: (w: World) => Probe; why: string };

const CASES: Record<string, Case> = {
  ...MILESTONE_CASES,
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
  'PATCH /api/v1/workspaces/:workspaceId/members/:userId': {
    kind: 'workspace',
    action: WorkspaceAction.ManageMembers,
    mutates: true,
    probe: (w) => ({ method: 'PATCH', path: `/api/v1/workspaces/${w.workspaceA}/members/${w.victimMember}`, body: { role: 'client_admin' } }),
  },
  'DELETE /api/v1/workspaces/:workspaceId/members/:userId': {
    kind: 'workspace',
    action: WorkspaceAction.ManageMembers,
    mutates: true,
    probe: (w) => ({ method: 'DELETE', path: `/api/v1/workspaces/${w.workspaceA}/members/${w.victimMember}` }),
  },
  'POST /api/v1/workspaces/:workspaceId/invitations': {
    kind: 'workspace',
    action: WorkspaceAction.ManageInvitations,
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
    action: WorkspaceAction.ManageInvitations,
    mutates: true,
    probe: (w) => ({ method: 'DELETE', path: `/api/v1/workspaces/${w.workspaceA}/invitations/${w.invitationA}` }),
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
    probe: (w) => ({ method: 'POST', path: `/api/v1/workspaces/${w.workspaceA}/files`, body: { name: 'probe.txt', size: 3, contentType: 'text/plain' } }),
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
    probe: (w) => ({ method: 'POST', path: `/api/v1/workspaces/${w.workspaceA}/files/${w.scratch.upload.fileId}/versions`, body: { size: 3, contentType: 'text/plain' } }),
  },
  'POST /api/v1/workspaces/:workspaceId/files/:fileId/versions/:versionId/complete': {
    kind: 'workspace',
    action: WorkspaceAction.UploadFiles,
    mutates: true,
    disposable: 'completes a scratch version that is already ready (idempotent)',
    probe: (w) => ({ method: 'POST', path: `/api/v1/workspaces/${w.workspaceA}/files/${w.scratch.upload.fileId}/versions/${w.scratch.upload.versionId}/complete` }),
  },
  'POST /api/v1/workspaces/:workspaceId/files/:fileId/versions/:versionId/pin': {
    kind: 'workspace',
    action: WorkspaceAction.PinFiles,
    mutates: true,
    disposable: 'pins a scratch version (idempotent)',
    probe: (w) => ({ method: 'POST', path: `/api/v1/workspaces/${w.workspaceA}/files/${w.scratch.pin.fileId}/versions/${w.scratch.pin.versionId}/pin` }),
  },
  'DELETE /api/v1/workspaces/:workspaceId/files/:fileId/versions/:versionId/pin': {
    kind: 'workspace',
    action: WorkspaceAction.PinFiles,
    mutates: true,
    disposable: 'unpins the same scratch version (no milestone needs it; idempotent)',
    probe: (w) => ({ method: 'DELETE', path: `/api/v1/workspaces/${w.workspaceA}/files/${w.scratch.pin.fileId}/versions/${w.scratch.pin.versionId}/pin` }),
  },
  'DELETE /api/v1/workspaces/:workspaceId/files/:fileId/versions/:versionId': {
    kind: 'workspace',
    action: WorkspaceAction.DeleteFiles,
    mutates: true,
    disposable: 'deletes the older of two scratch versions; only the collaborator may, once',
    probe: (w) => ({ method: 'DELETE', path: `/api/v1/workspaces/${w.workspaceA}/files/${w.scratch.versions.fileId}/versions/${w.scratch.versions.versionId}` }),
  },
  'GET /api/v1/admin/accounts/:accountId/workspaces': {
    kind: 'admin',
    probe: (w) => ({ method: 'GET', path: `/api/v1/admin/accounts/${w.accountA}/workspaces` }),
  },
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
};

const WEAKER_ROLES = WORKSPACE_ROLES.filter((r) => r !== 'owner') as Exclude<WorkspaceRole, 'owner'>[];

describe('tenant isolation across every gateway route that takes an id', () => {
  let platform: RunningPlatform;
  let s3: TestS3;
  let owner: SignedUpUser;
  let outsider: SignedUpUser;
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
      outsiderWorkspace: await get(`/api/v1/workspaces/${outsiderWorkspace}/members`, outsider.token),
    };
  }

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files'],
      // Deliverable ids in the milestone probes are made up: this suite is about who may call what.
      env: { files: s3.filesEnv({ FILES_CLEANUP_INTERVAL_SECONDS: '0' }), workspace: { DELIVERABLE_PINNING: 'off' } },
    });
    owner = await signUp(platform.gatewayUrl, 'Owner A');
    outsider = await signUp(platform.gatewayUrl, 'Owner B');
    const a = await createWorkspace(platform.gatewayUrl, owner, 'Tenant A engagement');
    outsiderWorkspace = (await createWorkspace(platform.gatewayUrl, outsider, 'Tenant B engagement')).id;
    // Tenant B has a client too, so "member of the other tenant" covers both sides.
    await inviteAndJoin(platform.gatewayUrl, outsider, outsiderWorkspace, 'client_admin');
    for (const role of WEAKER_ROLES) members[role] = await inviteAndJoin(platform.gatewayUrl, owner, a.id, role);
    const victim = await inviteAndJoin(platform.gatewayUrl, owner, a.id, 'client_viewer');
    const invitation = await request(platform.gatewayUrl)
      .post(`/api/v1/workspaces/${a.id}/invitations`)
      .set(bearer(owner.token))
      .send({ role: 'client_viewer', maxUses: 3 });
    const upload = (name: string) => uploadFile(platform.gatewayUrl, owner, a.id, name, 'abc');
    const versions = await upload('versions.txt');
    const second = await request(platform.gatewayUrl)
      .post(`/api/v1/workspaces/${a.id}/files/${versions.fileId}/versions`)
      .set(bearer(owner.token))
      .send({ size: 3, contentType: 'text/plain' });
    await fetch(second.body.upload.url, { method: 'PUT', body: 'def', headers: { 'Content-Type': 'text/plain' } });
    await request(platform.gatewayUrl).post(`/api/v1/workspaces/${a.id}/files/${versions.fileId}/versions/${second.body.version.id}/complete`).set(bearer(owner.token)).send({});
    world = {
      workspaceA: a.id,
      accountA: a.accountId,
      victimMember: victim.userId,
      invitationA: invitation.body.id,
      fileA: await upload('in-snapshot.txt'),
      scratch: { upload: await upload('upload.txt'), delete: await upload('delete.txt'), pin: await upload('pin.txt'), versions },
      ms: await prepareMilestoneWorld(platform, owner, a.id, a.accountId, members),
    };
  });

  afterAll(async () => {
    await platform?.close();
    await s3?.close();
  });

  it('has a case for every route that takes an id (add one when you add a route)', () => {
    const withIds = discoverRoutes(platform.apps.gateway!)
      .filter((r) => r.path.includes(':'))
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
        const foreign = await send(probe, outsider.token);
        outcomes.push(`${route} as other tenant → ${foreign.status} ${foreign.body?.error?.code ?? ''}`.trim());
        expectations.push(`${route} as other tenant → 404 workspace_not_found`);
        for (const role of WEAKER_ROLES) {
          const allowed = can(role, c.action);
          if (allowed && c.mutates && !c.disposable) throw new Error(`${route}: ${role} may ${c.action}; give this case a disposable target before probing it`);
          const res = await send(c.probe(world, role), members[role].token);
          outcomes.push(`${route} as ${role} → ${allowed ? (res.status < 300 ? 'ok' : res.status) : res.status}`);
          expectations.push(`${route} as ${role} → ${allowed ? 'ok' : 403}`);
        }
      } else if (c.kind === 'account') {
        for (const user of [outsider, ...WEAKER_ROLES.map((r) => members[r])]) {
          const res = await send(probe, user.token);
          outcomes.push(`${route} → ${res.status} ${res.body?.error?.code ?? ''}`.trim());
          expectations.push(`${route} → 404 account_not_found`);
        }
      } else if (c.kind === 'admin') {
        for (const user of [outsider, owner, ...WEAKER_ROLES.map((r) => members[r])]) {
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

  it('lists only the caller’s own workspaces', async () => {
    const api = request(platform.gatewayUrl);
    const ownList = await api.get('/api/v1/workspaces').set(bearer(outsider.token));
    expect(ownList.body.items.map((w: { id: string }) => w.id)).toEqual([outsiderWorkspace]);
    const memberList = await api.get('/api/v1/workspaces').set(bearer(members.client_viewer.token));
    // Tenant A's two workspaces (the second holds the milestone probes' scratch targets), nothing of tenant B.
    expect(memberList.body.items.map((w: { id: string; role: string }) => [w.id, w.role]).sort()).toEqual(
      [[world.workspaceA, 'client_viewer'], [world.ms.scratch, 'client_viewer']].sort(),
    );
  });
});
