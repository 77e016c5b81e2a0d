import { z } from 'zod';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('workspace');

export interface AccountView {
  id: string;
  name: string;
  plan: 'free' | 'pro' | 'enterprise';
  createdAt: string;
}

export interface WorkspaceView {
  id: string;
  accountId: string;
  name: string;
  clientName: string | null;
  createdBy: string;
  createdAt: string;
}

const name = z.string().trim().min(1).max(200);

export const WorkspaceRpc = {
  createAccount: rpcPattern<AccountView>()(
    queue,
    'workspace.accounts.create',
    z.object({ accountId: z.uuid(), name }),
  ),
  createWorkspace: rpcPattern<WorkspaceView>()(
    queue,
    'workspace.workspaces.create',
    z.object({ name, clientName: z.string().trim().min(1).max(200).optional() }),
  ),
  listWorkspaces: rpcPattern<{ items: WorkspaceView[] }>()(queue, 'workspace.workspaces.list', z.object({})),
  getWorkspace: rpcPattern<WorkspaceView>()(queue, 'workspace.workspaces.get', z.object({ workspaceId: z.uuid() })),
} as const;
