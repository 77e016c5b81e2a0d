import request from 'supertest';
import { WorkspaceAction, WorkspaceRole } from '@fpms/auth';
import { bearer, eventually, RunningPlatform, SignedUpUser } from '@fpms/harness';

type Probe = { method: string; path: string; body?: object };
type WeakerRole = Exclude<WorkspaceRole, 'owner'>;

/**
 * Thread targets. Reads probe tenant A's general thread (its messages are in the
 * snapshot); writes the matrix allows to a weaker role act on the general thread of A's
 * scratch workspace (same members), each role's edit and delete on a message of its own.
 */
export interface ThreadWorld {
  workspaceA: string;
  threadA: string;
  scratch: string;
  scratchThread: string;
  /** A's general thread holds this owner's message (in the snapshot). */
  messageA: string;
  /** Per role, a scratch message it wrote (the viewer, who may not post: the owner's). */
  own: Record<WeakerRole, string>;
}

type W = { threads: ThreadWorld };
type ThreadCase = {
  kind: 'workspace';
  action: WorkspaceAction;
  mutates: boolean;
  disposable?: string;
  probe: (w: W, role?: WeakerRole) => Probe;
};

const base = (ws: string, thread: string) => `/api/v1/workspaces/${ws}/threads/${thread}`;

export const THREAD_CASES: Record<string, ThreadCase> = {
  'GET /api/v1/workspaces/:workspaceId/threads': {
    kind: 'workspace',
    action: WorkspaceAction.ReadMessages,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `/api/v1/workspaces/${w.threads.workspaceA}/threads` }),
  },
  'GET /api/v1/workspaces/:workspaceId/threads/:threadId': {
    kind: 'workspace',
    action: WorkspaceAction.ReadMessages,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: base(w.threads.workspaceA, w.threads.threadA) }),
  },
  'GET /api/v1/workspaces/:workspaceId/threads/:threadId/messages': {
    kind: 'workspace',
    action: WorkspaceAction.ReadMessages,
    mutates: false,
    probe: (w) => ({ method: 'GET', path: `${base(w.threads.workspaceA, w.threads.threadA)}/messages` }),
  },
  'POST /api/v1/workspaces/:workspaceId/threads/:threadId/messages': {
    kind: 'workspace',
    action: WorkspaceAction.PostMessages,
    mutates: true,
    disposable: 'each probe posts a message of its own to the scratch thread',
    probe: (w) => ({ method: 'POST', path: `${base(w.threads.scratch, w.threads.scratchThread)}/messages`, body: { text: 'probe' } }),
  },
  'PATCH /api/v1/workspaces/:workspaceId/threads/:threadId/messages/:messageId': {
    kind: 'workspace',
    action: WorkspaceAction.PostMessages,
    mutates: true,
    disposable: "each role edits its own scratch message (other tenants probe the viewer's target)",
    probe: (w, role = 'client_viewer') => ({
      method: 'PATCH',
      path: `${base(w.threads.scratch, w.threads.scratchThread)}/messages/${w.threads.own[role]}`,
      body: { text: 'edited by probe' },
    }),
  },
  'DELETE /api/v1/workspaces/:workspaceId/threads/:threadId/messages/:messageId': {
    kind: 'workspace',
    action: WorkspaceAction.PostMessages,
    mutates: true,
    disposable: 'each role deletes its own scratch message, once',
    probe: (w, role = 'client_viewer') => ({
      method: 'DELETE',
      path: `${base(w.threads.scratch, w.threads.scratchThread)}/messages/${w.threads.own[role]}`,
    }),
  },
  'POST /api/v1/workspaces/:workspaceId/threads/:threadId/read': {
    kind: 'workspace',
    action: WorkspaceAction.ReadMessages,
    mutates: true,
    disposable: "moves the prober's own read cursor in the scratch thread",
    probe: (w) => ({ method: 'POST', path: `${base(w.threads.scratch, w.threads.scratchThread)}/read`, body: {} }),
  },
};

/** Waits for both general threads (created from workspace events), then writes the targets. */
export async function prepareThreadWorld(
  platform: RunningPlatform,
  owner: SignedUpUser,
  workspaceA: string,
  scratch: string,
  members: Record<WeakerRole, SignedUpUser>,
): Promise<ThreadWorld> {
  const api = () => request(platform.gatewayUrl);
  const generalOf = (ws: string) =>
    eventually(`general thread of ${ws}`, async () => {
      const res = await api().get(`/api/v1/workspaces/${ws}/threads`).set(bearer(owner.token));
      return res.status === 200 ? (res.body.items.find((t: { kind: string }) => t.kind === 'general')?.id as string) : null;
    });
  const post = async (user: SignedUpUser, ws: string, thread: string, text: string) => {
    const res = await api()
      .post(`${base(ws, thread)}/messages`)
      .set(bearer(user.token))
      .send({ text });
    if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const threadA = await generalOf(workspaceA);
  const scratchThread = await generalOf(scratch);
  return {
    workspaceA,
    threadA,
    scratch,
    scratchThread,
    messageA: await post(owner, workspaceA, threadA, 'in the snapshot'),
    own: {
      collaborator: await post(members.collaborator, scratch, scratchThread, 'collaborator’s'),
      client_admin: await post(members.client_admin, scratch, scratchThread, 'client admin’s'),
      client_viewer: await post(owner, scratch, scratchThread, 'owner’s, for the viewer to fail on'),
    },
  };
}
