import request from 'supertest';
import { WorkspaceAction, WorkspaceRole } from '@fpms/auth';
import { BillingEvents } from '@fpms/contracts';
import { bearer, createWorkspace, inviteAndJoin, RunningPlatform, SignedUpUser } from '@fpms/harness';
import { BillingPublisher } from '../milestones/support';

type Probe = { method: string; path: string; body?: object };
type WeakerRole = Exclude<WorkspaceRole, 'owner'>;

/**
 * Milestone, task and dashboard targets. Reads probe tenant A's own milestone and task
 * (in the snapshot). Mutating probes the matrix allows to a weaker role act on a scratch
 * workspace of tenant A with the same members, on a target of their own per role, parked
 * in the state the command needs, so they succeed once and change nothing in the snapshot.
 */
export interface MilestoneWorld {
  workspaceA: string;
  milestoneA: string;
  taskA: string;
  scratch: string;
  /** Scratch milestones by the state the probe needs. */
  m: Record<
    'edit' | 'propose' | 'cancel' | 'decline' | 'accept' | 'fund' | 'pay' | 'submit' | 'refund' | 'approve' | 'changes' | 'evidence',
    string
  >;
  /** Disputes are either side's (milestones.dispute): a funded target per role to open one on, and one each role opened to withdraw. */
  dispute: Record<WeakerRole, string>;
  withdraw: Record<WeakerRole, string>;
  /** Scratch tasks per role (PATCH and DELETE are allowed to two roles). */
  tasks: Record<WeakerRole, string>;
  /** A ready file version of the scratch workspace, for the submit probe (deliverables are pinned for real). */
  deliverable: string;
}

type W = { ms: MilestoneWorld };
type MilestoneCase = {
  kind: 'workspace';
  action: WorkspaceAction;
  mutates: boolean;
  disposable?: string;
  probe: (w: W, role?: WeakerRole) => Probe;
};

const milestonePath = (w: W, ws: string, id: string, tail = '') => `/api/v1/workspaces/${ws}/milestones/${id}${tail}`;
/** A member command: on the scratch milestone parked for it; the other tenant probes it too (and must not see it). */
const command = (route: string, key: keyof MilestoneWorld['m'], action: WorkspaceAction, body: object = {}): MilestoneCase => ({
  kind: 'workspace',
  action,
  mutates: true,
  disposable: `moves a scratch milestone parked in the state "${route}" needs`,
  probe: (w) => ({ method: 'POST', path: milestonePath(w, w.ms.scratch, w.ms.m[key], `/${route}`), body }),
});

export const MILESTONE_CASES: Record<string, MilestoneCase> = {
  'POST /api/v1/workspaces/:workspaceId/milestones': {
    kind: 'workspace',
    action: WorkspaceAction.ManageMilestones,
    mutates: true,
    disposable: 'creates a draft in the scratch workspace',
    probe: (w) => ({
      method: 'POST',
      path: `/api/v1/workspaces/${w.ms.scratch}/milestones`,
      body: { title: 'probe', amount: 100, currency: 'EUR' },
    }),
  },
  'GET /api/v1/workspaces/:workspaceId/milestones': {
    kind: 'workspace',
    action: WorkspaceAction.ReadMilestones,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.ms.workspaceA}/milestones` }),
  },
  'GET /api/v1/workspaces/:workspaceId/milestones/:milestoneId': {
    kind: 'workspace',
    action: WorkspaceAction.ReadMilestones,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: milestonePath(w, w.ms.workspaceA, w.ms.milestoneA) }),
  },
  'PATCH /api/v1/workspaces/:workspaceId/milestones/:milestoneId': {
    kind: 'workspace',
    action: WorkspaceAction.ManageMilestones,
    mutates: true,
    disposable: 'retitles a scratch draft',
    probe: (w) => ({ method: 'PATCH', path: milestonePath(w, w.ms.scratch, w.ms.m.edit), body: { title: 'probed' } }),
  },
  'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/propose': command('propose', 'propose', WorkspaceAction.ManageMilestones),
  'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/cancel': command('cancel', 'cancel', WorkspaceAction.ManageMilestones),
  'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/decline': command('decline', 'decline', WorkspaceAction.DecideMilestones),
  'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/accept': command('accept', 'accept', WorkspaceAction.DecideMilestones),
  'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/fund': command('fund', 'fund', WorkspaceAction.FundMilestones),
  // An approved on-approval milestone: paying opens its destination-charge Checkout in billing.
  'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/pay': command('pay', 'pay', WorkspaceAction.FundMilestones),
  'GET /api/v1/workspaces/:workspaceId/milestones/:milestoneId/payment': {
    kind: 'workspace',
    action: WorkspaceAction.ReadMilestones,
    mutates: false,
    // A scratch milestone funded through billing (it has an order); tenant A's snapshot milestone has none.
    probe: (w) => ({ method: 'GET', path: milestonePath(w, w.ms.scratch, w.ms.m.submit, '/payment') }),
  },
  'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/chargeback/respond-myself': {
    kind: 'workspace',
    action: WorkspaceAction.ManageMilestones,
    mutates: true,
    disposable: 'records the choice on a scratch milestone funded through billing (it has an order); its status does not move',
    probe: (w) => ({ method: 'POST', path: milestonePath(w, w.ms.scratch, w.ms.m.submit, '/chargeback/respond-myself') }),
  },
  'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/submit': {
    ...command('submit', 'submit', WorkspaceAction.ManageMilestones),
    probe: (w) => ({
      method: 'POST',
      path: milestonePath(w, w.ms.scratch, w.ms.m.submit, '/submit'),
      body: { deliverableFileVersionId: w.ms.deliverable },
    }),
  },
  'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/request-refund': command(
    'request-refund',
    'refund',
    WorkspaceAction.DecideMilestones,
  ),
  // Owner only: every weaker role is refused before anything moves, so no disposable target is needed.
  ...Object.fromEntries(
    ['refunds', 'refund-request/accept', 'refund-request/contest'].map((tail) => [
      `POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/${tail}`,
      {
        kind: 'workspace' as const,
        action: WorkspaceAction.RefundPayments,
        mutates: true,
        probe: (w: W) => ({
          method: 'POST',
          path: milestonePath(w, w.ms.scratch, w.ms.m.submit, `/${tail}`),
          body: tail === 'refunds' ? { amount: 100 } : {},
        }),
      },
    ]),
  ),
  'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/dispute': {
    kind: 'workspace',
    action: WorkspaceAction.DisputeMilestones,
    mutates: true,
    disposable: 'opens a dispute on a funded scratch milestone of the probing role',
    probe: (w, role = 'client_viewer') => ({
      method: 'POST',
      path: milestonePath(w, w.ms.scratch, w.ms.dispute[role], '/dispute'),
      body: {},
    }),
  },
  'GET /api/v1/workspaces/:workspaceId/milestones/:milestoneId/dispute': {
    kind: 'workspace',
    action: WorkspaceAction.ReadMilestones,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: milestonePath(w, w.ms.scratch, w.ms.m.evidence, '/dispute') }),
  },
  'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/dispute/evidence': {
    kind: 'workspace',
    action: WorkspaceAction.DisputeMilestones,
    mutates: true,
    disposable: 'adds a statement to an open scratch dispute (evidence is append-only)',
    probe: (w) => ({
      method: 'POST',
      path: milestonePath(w, w.ms.scratch, w.ms.m.evidence, '/dispute/evidence'),
      body: { statement: 'probe' },
    }),
  },
  'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/approve': command('approve', 'approve', WorkspaceAction.DecideMilestones),
  'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/request-changes': command(
    'request-changes',
    'changes',
    WorkspaceAction.DecideMilestones,
  ),
  'POST /api/v1/workspaces/:workspaceId/milestones/:milestoneId/withdraw-dispute': {
    kind: 'workspace',
    action: WorkspaceAction.DisputeMilestones,
    mutates: true,
    disposable: 'withdraws the scratch dispute the probing role opened',
    probe: (w, role = 'client_viewer') => ({
      method: 'POST',
      path: milestonePath(w, w.ms.scratch, w.ms.withdraw[role], '/withdraw-dispute'),
      body: {},
    }),
  },
  'GET /api/v1/workspaces/:workspaceId/dashboard': {
    kind: 'workspace',
    action: WorkspaceAction.ReadMilestones,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.ms.workspaceA}/dashboard` }),
  },
  'GET /api/v1/workspaces/:workspaceId/task-statuses': {
    kind: 'workspace',
    action: WorkspaceAction.ReadTasks,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.ms.workspaceA}/task-statuses` }),
  },
  'PUT /api/v1/workspaces/:workspaceId/task-statuses': {
    kind: 'workspace',
    action: WorkspaceAction.ConfigureTaskBoard,
    mutates: true,
    probe: (w) => ({
      method: 'PUT',
      path: `/api/v1/workspaces/${w.ms.workspaceA}/task-statuses`,
      body: {
        statuses: [
          { key: 'todo', name: 'Hijacked', category: 'todo' },
          { key: 'done', name: 'Done', category: 'done' },
        ],
      },
    }),
  },
  'POST /api/v1/workspaces/:workspaceId/tasks': {
    kind: 'workspace',
    action: WorkspaceAction.ManageTasks,
    mutates: true,
    disposable: 'creates a task in the scratch workspace',
    probe: (w) => ({ method: 'POST', path: `/api/v1/workspaces/${w.ms.scratch}/tasks`, body: { title: 'probe' } }),
  },
  'GET /api/v1/workspaces/:workspaceId/tasks': {
    kind: 'workspace',
    action: WorkspaceAction.ReadTasks,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.ms.workspaceA}/tasks` }),
  },
  'GET /api/v1/workspaces/:workspaceId/tasks/:taskId': {
    kind: 'workspace',
    action: WorkspaceAction.ReadTasks,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.ms.workspaceA}/tasks/${w.ms.taskA}` }),
  },
  'PATCH /api/v1/workspaces/:workspaceId/tasks/:taskId': {
    kind: 'workspace',
    action: WorkspaceAction.ManageTasks,
    mutates: true,
    disposable: 'moves a scratch task of the probing role',
    probe: (w, role = 'client_viewer') => ({
      method: 'PATCH',
      path: `/api/v1/workspaces/${w.ms.scratch}/tasks/${w.ms.tasks[role]}`,
      body: { status: 'in_progress' },
    }),
  },
  'DELETE /api/v1/workspaces/:workspaceId/tasks/:taskId': {
    kind: 'workspace',
    action: WorkspaceAction.ManageTasks,
    mutates: true,
    disposable: 'deletes a scratch task of the probing role',
    probe: (w, role = 'client_viewer') => ({ method: 'DELETE', path: `/api/v1/workspaces/${w.ms.scratch}/tasks/${w.ms.tasks[role]}` }),
  },
};

/** GET /accounts/:accountId/dashboard: the account's own freelancer only; everyone else 404. */
export const ACCOUNT_DASHBOARD_ROUTE = 'GET /api/v1/accounts/:accountId/dashboard';

/** Builds tenant A's milestone data (in the snapshot) and the scratch targets. */
export async function prepareMilestoneWorld(
  platform: RunningPlatform,
  owner: SignedUpUser,
  workspaceA: string,
  accountA: string,
  members: Record<WeakerRole, SignedUpUser>,
  /** Uploads a small ready file to the workspace; returns its version id. */
  upload: (workspaceId: string, name: string) => Promise<string>,
): Promise<MilestoneWorld> {
  const api = () => request(platform.gatewayUrl);
  const ok = async (res: request.Response | Promise<request.Response>) => {
    const r = await res;
    if (r.status >= 300) throw new Error(`setup failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const client = members.client_admin;
  const milestoneA = (
    await ok(
      api()
        .post(`/api/v1/workspaces/${workspaceA}/milestones`)
        .set(bearer(owner.token))
        .send({ title: 'A', amount: 1000, currency: 'EUR' }),
    )
  ).id;
  const taskA = (
    await ok(
      api().post(`/api/v1/workspaces/${workspaceA}/tasks`).set(bearer(owner.token)).send({ title: 'A task', milestoneId: milestoneA }),
    )
  ).id;

  const scratch = (await createWorkspace(platform.gatewayUrl, owner, 'Tenant A scratch')).id;
  // Each side invites its own: the owner the collaborator and the first client admin, who invites the viewer.
  for (const role of ['collaborator', 'client_admin', 'client_viewer'] as const) {
    await inviteAndJoin(platform.gatewayUrl, role === 'client_viewer' ? members.client_admin : owner, scratch, role, members[role]);
  }
  const base = `/api/v1/workspaces/${scratch}/milestones`;
  const make = async () =>
    (await ok(api().post(base).set(bearer(owner.token)).send({ title: 'scratch', amount: 1000, currency: 'EUR' }))).id as string;
  const act = (id: string, who: SignedUpUser, route: string, body: object = {}) =>
    ok(api().post(`${base}/${id}/${route}`).set(bearer(who.token)).send(body));
  const accepted = async () => {
    const id = await make();
    await act(id, owner, 'propose');
    await act(id, client, 'accept');
    return id;
  };
  const billing = await BillingPublisher.connect(platform.amqpUrl);
  const funded = async () => {
    const id = await accepted();
    await act(id, client, 'fund');
    await billing.milestone(
      BillingEvents.milestoneFunded,
      { id, workspaceId: scratch, accountId: accountA, amount: 1000, currency: 'EUR' },
      1,
    );
    const deadline = Date.now() + 10_000;
    while ((await ok(api().get(`${base}/${id}`).set(bearer(owner.token)))).status !== 'funded') {
      if (Date.now() > deadline) throw new Error('scratch milestone was not funded');
      await new Promise((r) => setTimeout(r, 50));
    }
    return id;
  };
  const submitted = async () => {
    const id = await funded();
    await act(id, owner, 'submit', { deliverableFileVersionId: await upload(scratch, `deliverable-${id}.txt`) });
    return id;
  };
  try {
    const proposed = async () => {
      const id = await make();
      await act(id, owner, 'propose');
      return id;
    };
    const approvedOnApproval = async () => {
      const id = (
        await ok(
          api()
            .post(base)
            .set(bearer(owner.token))
            .send({ title: 'paid on approval', amount: 1000, currency: 'EUR', billing: 'on_approval' }),
        )
      ).id as string;
      await act(id, owner, 'propose');
      await act(id, client, 'accept');
      await act(id, owner, 'submit', { deliverableFileVersionId: await upload(scratch, `deliverable-${id}.txt`) });
      await act(id, client, 'approve');
      return id;
    };
    const collaborator = members.collaborator;
    const disputedBy = async (who: SignedUpUser) => {
      const id = await funded();
      await act(id, who, 'dispute');
      return id;
    };
    const withdraw = {
      collaborator: await disputedBy(collaborator),
      client_admin: await disputedBy(client),
      client_viewer: await disputedBy(client),
    };
    const dispute = { collaborator: await funded(), client_admin: await funded(), client_viewer: await funded() };
    const m: MilestoneWorld['m'] = {
      edit: await make(),
      propose: await make(),
      cancel: await make(),
      decline: await proposed(),
      accept: await proposed(),
      fund: await accepted(),
      pay: await approvedOnApproval(),
      submit: await funded(),
      refund: await funded(),
      approve: await submitted(),
      changes: await submitted(),
      evidence: await disputedBy(client),
    };
    const task = async () =>
      (await ok(api().post(`/api/v1/workspaces/${scratch}/tasks`).set(bearer(owner.token)).send({ title: 'scratch task' }))).id as string;
    const tasks = { collaborator: await task(), client_admin: await task(), client_viewer: await task() };
    return {
      workspaceA,
      milestoneA,
      taskA,
      scratch,
      m,
      dispute,
      withdraw,
      tasks,
      deliverable: await upload(scratch, 'probe-deliverable.txt'),
    };
  } finally {
    await billing.close();
  }
}
