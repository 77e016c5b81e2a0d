import request from 'supertest';
import { WorkspaceAction, WorkspaceRole } from '@fpms/auth';
import { bearer, connectServiceDb, RunningPlatform, SignedUpUser } from '@fpms/harness';

type Probe = { method: string; path: string; body?: object };
type WeakerRole = Exclude<WorkspaceRole, 'owner'>;

/**
 * Time-tracking targets. Reads probe tenant A's workspace (its entries and proposed contract
 * are in the snapshot); writes the matrix allows to a weaker role act on A's scratch
 * workspace: each role's edit and delete on an entry of its own (the clients, who may not
 * log time, on the owner's), the collaborator's timer, and a contract the client admin
 * accepts and then ends.
 */
export interface TimeWorld {
  workspaceA: string;
  scratch: string;
  /** Per role, a scratch entry to edit and one to delete (the clients': the owner's). */
  edit: Record<WeakerRole, string>;
  remove: Record<WeakerRole, string>;
  scratchContract: string;
  /** Closed weeks (fixtures written straight into the database: closing one needs a clock that moved). */
  weekA: string;
  /** A scratch week in review with one locked entry the client admin disputes, then withdraws the dispute of. */
  disputeWeek: { weekStart: string; entryId: string };
  /** A scratch week in review the client admin accepts, once. */
  acceptWeek: string;
}

type W = { time: TimeWorld };
type TimeCase = {
  kind: 'workspace';
  action: WorkspaceAction;
  mutates: boolean;
  disposable?: string;
  /** The service's own answer to the roles the matrix allows, when it is not a 2xx (the target's state refuses it). */
  allowedAnswer?: { status: number; code: string; why: string };
  probe: (w: W, role?: WeakerRole) => Probe;
};

const ws = (id: string) => `/api/v1/workspaces/${id}`;

export const TIME_CASES: Record<string, TimeCase> = {
  'POST /api/v1/workspaces/:workspaceId/time-entries': {
    kind: 'workspace',
    action: WorkspaceAction.LogTime,
    mutates: true,
    disposable: 'the collaborator logs a span of its own in the scratch workspace, once',
    probe: (w) => ({
      method: 'POST',
      path: `${ws(w.time.scratch)}/time-entries`,
      body: { startedAt: '2026-01-07T09:00:00Z', endedAt: '2026-01-07T10:00:00Z', note: 'probe' },
    }),
  },
  'GET /api/v1/workspaces/:workspaceId/time-entries': {
    kind: 'workspace',
    action: WorkspaceAction.ReadTime,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `${ws(w.time.workspaceA)}/time-entries` }),
  },
  'GET /api/v1/workspaces/:workspaceId/time-entries/summary': {
    kind: 'workspace',
    action: WorkspaceAction.ReadTime,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `${ws(w.time.workspaceA)}/time-entries/summary?week=2026-W02` }),
  },
  'PATCH /api/v1/workspaces/:workspaceId/time-entries/:entryId': {
    kind: 'workspace',
    action: WorkspaceAction.LogTime,
    mutates: true,
    disposable: "each role edits its own scratch entry's note (other tenants probe the viewer's target)",
    probe: (w, role = 'client_viewer') => ({
      method: 'PATCH',
      path: `${ws(w.time.scratch)}/time-entries/${w.time.edit[role]}`,
      body: { note: 'edited by probe' },
    }),
  },
  'DELETE /api/v1/workspaces/:workspaceId/time-entries/:entryId': {
    kind: 'workspace',
    action: WorkspaceAction.LogTime,
    mutates: true,
    disposable: 'each role deletes its own scratch entry, once',
    probe: (w, role = 'client_viewer') => ({ method: 'DELETE', path: `${ws(w.time.scratch)}/time-entries/${w.time.remove[role]}` }),
  },
  'GET /api/v1/workspaces/:workspaceId/timer': {
    kind: 'workspace',
    action: WorkspaceAction.LogTime,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `${ws(w.time.workspaceA)}/timer` }),
  },
  'POST /api/v1/workspaces/:workspaceId/timer/start': {
    kind: 'workspace',
    action: WorkspaceAction.LogTime,
    mutates: true,
    disposable: 'the collaborator starts its timer in the scratch workspace (the next case stops it)',
    probe: (w) => ({ method: 'POST', path: `${ws(w.time.scratch)}/timer/start`, body: {} }),
  },
  'POST /api/v1/workspaces/:workspaceId/timer/stop': {
    kind: 'workspace',
    action: WorkspaceAction.LogTime,
    mutates: true,
    disposable: "stops the collaborator's scratch timer",
    probe: (w) => ({ method: 'POST', path: `${ws(w.time.scratch)}/timer/stop`, body: {} }),
  },
  'GET /api/v1/workspaces/:workspaceId/hourly-contract': {
    kind: 'workspace',
    action: WorkspaceAction.ReadTime,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `${ws(w.time.workspaceA)}/hourly-contract` }),
  },
  'POST /api/v1/workspaces/:workspaceId/hourly-contract': {
    kind: 'workspace',
    action: WorkspaceAction.ProposeHourlyContract,
    mutates: true,
    probe: (w) => ({ method: 'POST', path: `${ws(w.time.workspaceA)}/hourly-contract`, body: { rateMinor: 1, currency: 'EUR' } }),
  },
  'POST /api/v1/workspaces/:workspaceId/hourly-contract/accept': {
    kind: 'workspace',
    action: WorkspaceAction.AcceptHourlyContract,
    mutates: true,
    disposable: "the client admin accepts the scratch workspace's proposed contract, once",
    probe: (w) => ({
      method: 'POST',
      path: `${ws(w.time.scratch)}/hourly-contract/accept`,
      body: { contractId: w.time.scratchContract },
    }),
  },
  'POST /api/v1/workspaces/:workspaceId/hourly-contract/end': {
    kind: 'workspace',
    action: WorkspaceAction.EndHourlyContract,
    mutates: true,
    disposable: "the client admin ends the scratch workspace's contract, once",
    probe: (w) => ({ method: 'POST', path: `${ws(w.time.scratch)}/hourly-contract/end`, body: {} }),
  },
  'GET /api/v1/workspaces/:workspaceId/time-weeks': {
    kind: 'workspace',
    action: WorkspaceAction.ReadTime,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `${ws(w.time.workspaceA)}/time-weeks` }),
  },
  'GET /api/v1/workspaces/:workspaceId/time-weeks/:weekStart': {
    kind: 'workspace',
    action: WorkspaceAction.ReadTime,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `${ws(w.time.workspaceA)}/time-weeks/${w.time.weekA}` }),
  },
  'POST /api/v1/workspaces/:workspaceId/time-weeks/:weekStart/entries/:entryId/dispute': {
    kind: 'workspace',
    action: WorkspaceAction.AcceptHourlyContract,
    mutates: true,
    disposable: "the client admin disputes the scratch week's entry, once (the next case withdraws it)",
    probe: (w) => ({
      method: 'POST',
      path: `${ws(w.time.scratch)}/time-weeks/${w.time.disputeWeek.weekStart}/entries/${w.time.disputeWeek.entryId}/dispute`,
      body: { reason: 'probe' },
    }),
  },
  'POST /api/v1/workspaces/:workspaceId/time-weeks/:weekStart/entries/:entryId/dispute/withdraw': {
    kind: 'workspace',
    action: WorkspaceAction.AcceptHourlyContract,
    mutates: true,
    disposable: 'the client admin withdraws its scratch dispute, once',
    probe: (w) => ({
      method: 'POST',
      path: `${ws(w.time.scratch)}/time-weeks/${w.time.disputeWeek.weekStart}/entries/${w.time.disputeWeek.entryId}/dispute/withdraw`,
      body: {},
    }),
  },
  'POST /api/v1/workspaces/:workspaceId/time-weeks/:weekStart/entries/:entryId/dispute/concede': {
    kind: 'workspace',
    action: WorkspaceAction.ProposeHourlyContract,
    mutates: true,
    probe: (w) => ({
      method: 'POST',
      path: `${ws(w.time.scratch)}/time-weeks/${w.time.disputeWeek.weekStart}/entries/${w.time.disputeWeek.entryId}/dispute/concede`,
      body: {},
    }),
  },
  'POST /api/v1/workspaces/:workspaceId/time-weeks/:weekStart/accept': {
    kind: 'workspace',
    action: WorkspaceAction.AcceptHourlyContract,
    mutates: true,
    disposable: 'the client admin accepts the scratch week, once',
    probe: (w) => ({ method: 'POST', path: `${ws(w.time.scratch)}/time-weeks/${w.time.acceptWeek}/accept`, body: {} }),
  },
  'POST /api/v1/workspaces/:workspaceId/hourly-contract/payment-method': {
    kind: 'workspace',
    action: WorkspaceAction.AcceptHourlyContract,
    mutates: true,
    disposable: 'billing refuses it for the proposed contract: nothing is made',
    allowedAnswer: {
      status: 409,
      code: 'hourly_contract_not_active',
      why: "A's contract is only proposed; the client admin passes the gate and billing answers for the contract's state",
    },
    probe: (w) => ({ method: 'POST', path: `${ws(w.time.workspaceA)}/hourly-contract/payment-method`, body: {} }),
  },
  'PUT /api/v1/workspaces/:workspaceId/time-zone': {
    kind: 'workspace',
    action: WorkspaceAction.ProposeHourlyContract,
    mutates: true,
    probe: (w) => ({ method: 'PUT', path: `${ws(w.time.workspaceA)}/time-zone`, body: { timeZone: 'Pacific/Kiritimati' } }),
  },
};

/** Writes the targets: A's entries and proposed contract (in the snapshot), the scratch entries and contract. */
export async function prepareTimeWorld(
  platform: RunningPlatform,
  owner: SignedUpUser,
  workspaceA: string,
  scratch: string,
  members: Record<WeakerRole, SignedUpUser>,
): Promise<TimeWorld> {
  const api = () => request(platform.gatewayUrl);
  const ok = async (res: request.Test) => {
    const r = await res;
    if (r.status >= 300) throw new Error(`setup failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id as string;
  };
  const log = (user: SignedUpUser, workspace: string, startedAt: string, endedAt: string) =>
    ok(
      api()
        .post(`${ws(workspace)}/time-entries`)
        .set(bearer(user.token))
        .send({ startedAt, endedAt, note: 'target' }),
    );
  await log(owner, workspaceA, '2026-01-05T09:00:00Z', '2026-01-05T10:00:00Z');
  await log(members.collaborator, workspaceA, '2026-01-05T09:00:00Z', '2026-01-05T11:00:00Z');
  await ok(
    api()
      .post(`${ws(workspaceA)}/hourly-contract`)
      .set(bearer(owner.token))
      .send({ rateMinor: 9000, currency: 'EUR' }),
  );
  const contractA = await ok(
    api()
      .get(`${ws(workspaceA)}/hourly-contract`)
      .set(bearer(owner.token)),
  );
  const ownersEntry = await log(owner, scratch, '2026-01-06T09:00:00Z', '2026-01-06T10:00:00Z');
  const ownersOther = await log(owner, scratch, '2026-01-06T10:00:00Z', '2026-01-06T11:00:00Z');
  const disputed = await log(owner, scratch, '2026-01-13T09:00:00Z', '2026-01-13T10:00:00Z');
  const scratchContract = await ok(
    api()
      .post(`${ws(scratch)}/hourly-contract`)
      .set(bearer(owner.token))
      .send({ rateMinor: 9000, currency: 'EUR' }),
  );
  // Closed weeks as the close job leaves them (in review until far ahead), written on the system pool.
  const db = await connectServiceDb('workspace', 'system', platform.dbPrefix);
  try {
    const close = async (workspaceId: string, contractId: string, weekStart: string) => {
      await db.query(
        `insert into time_weeks (id, account_id, workspace_id, contract_id, week_start, time_zone, closed_at, review_due_at, status, entry_count, total_seconds)
         select gen_random_uuid(), account_id, id, $2, $3::date, 'UTC', now(), '2099-01-01', 'in_review', 0, 0 from workspaces where id = $1`,
        [workspaceId, contractId, weekStart],
      );
      await db.query(`update time_entries set locked_at = now() where workspace_id = $1 and week_start = $2::date`, [
        workspaceId,
        weekStart,
      ]);
    };
    await close(scratch, scratchContract, '2026-01-12');
    await close(scratch, scratchContract, '2026-01-19');
    await close(workspaceA, contractA, '2025-12-29');
  } finally {
    await db.destroy();
  }
  return {
    weekA: '2025-12-29',
    disputeWeek: { weekStart: '2026-01-12', entryId: disputed },
    acceptWeek: '2026-01-19',
    scratchContract,
    workspaceA,
    scratch,
    edit: {
      collaborator: await log(members.collaborator, scratch, '2026-01-06T09:00:00Z', '2026-01-06T10:00:00Z'),
      client_admin: ownersEntry,
      client_viewer: ownersEntry,
    },
    remove: {
      collaborator: await log(members.collaborator, scratch, '2026-01-06T10:00:00Z', '2026-01-06T11:00:00Z'),
      client_admin: ownersOther,
      client_viewer: ownersOther,
    },
  };
}
