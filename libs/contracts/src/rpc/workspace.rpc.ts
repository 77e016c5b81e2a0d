import { z } from 'zod';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('workspace');

export const WORKSPACE_ROLE_VALUES = ['owner', 'collaborator', 'client_admin', 'client_viewer'] as const;
export const INVITABLE_ROLE_VALUES = ['collaborator', 'client_admin', 'client_viewer'] as const;

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

/** A workspace as seen by one member: with that member's role. */
export interface MyWorkspaceView extends WorkspaceView {
  /** Days the client has to review a submission before it is approved automatically (1–30). */
  reviewWindowDays: number;
  role: (typeof WORKSPACE_ROLE_VALUES)[number];
}

export interface MemberView {
  userId: string;
  email: string;
  role: (typeof WORKSPACE_ROLE_VALUES)[number];
  joinedAt: string;
}

export interface InvitationView {
  id: string;
  workspaceId: string;
  role: (typeof INVITABLE_ROLE_VALUES)[number];
  email: string | null;
  maxUses: number;
  uses: number;
  expiresAt: string;
  revokedAt: string | null;
  status: 'active' | 'expired' | 'revoked' | 'used_up';
  createdBy: string;
  createdAt: string;
}

/** Returned once, at creation: the token is never stored or shown again. */
export interface CreatedInvitationView extends InvitationView {
  token: string;
}

export interface ActivityView {
  id: string;
  workspaceId: string | null;
  /** Null when the system acted (billing, the review timer); `after.by` says which. */
  actorUserId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
  createdAt: string;
}

export interface WorkspaceGrant {
  accountId: string;
  workspaceId: string;
  /** `former_client`: a client admin who left, let in only for the one paid-for resource asked about. */
  role: (typeof WORKSPACE_ROLE_VALUES)[number] | 'former_client';
}

export interface AdminAuditView {
  id: string;
  adminUserId: string;
  reason: string;
  action: string;
  targetAccountId: string | null;
  resourceIds: string[];
  requestId: string | null;
  createdAt: string;
}

const name = z.string().trim().min(1).max(200);
const workspaceId = z.uuid();
const reason = z.string().trim().min(10, 'state a reason of at least 10 characters').max(500);

export const WorkspaceRpc = {
  createAccount: rpcPattern<AccountView>()(queue, 'workspace.accounts.create', z.object({ accountId: z.uuid(), name })),
  createWorkspace: rpcPattern<MyWorkspaceView>()(
    queue,
    'workspace.workspaces.create',
    z.object({ name, clientName: z.string().trim().min(1).max(200).optional() }),
  ),
  listWorkspaces: rpcPattern<{ items: MyWorkspaceView[] }>()(queue, 'workspace.workspaces.list', z.object({})),
  getWorkspace: rpcPattern<MyWorkspaceView>()(queue, 'workspace.workspaces.get', z.object({ workspaceId })),
  updateWorkspace: rpcPattern<MyWorkspaceView>()(
    queue,
    'workspace.workspaces.update',
    z.object({
      workspaceId,
      name: name.optional(),
      clientName: z.string().trim().min(1).max(200).nullable().optional(),
      reviewWindowDays: z.number().int().min(1).max(30).optional(),
    }),
  ),
  listMembers: rpcPattern<{ items: MemberView[] }>()(queue, 'workspace.members.list', z.object({ workspaceId })),
  changeMemberRole: rpcPattern<MemberView>()(
    queue,
    'workspace.members.change-role',
    z.object({ workspaceId, userId: z.uuid(), role: z.enum(INVITABLE_ROLE_VALUES) }),
  ),
  removeMember: rpcPattern<{ removed: true }>()(queue, 'workspace.members.remove', z.object({ workspaceId, userId: z.uuid() })),
  createInvitation: rpcPattern<CreatedInvitationView>()(
    queue,
    'workspace.invitations.create',
    z.object({
      workspaceId,
      role: z.enum(INVITABLE_ROLE_VALUES),
      email: z.email().max(254).optional(),
      maxUses: z.number().int().min(1).max(100).default(1),
      expiresInHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 30)
        .default(24 * 7),
    }),
  ),
  listInvitations: rpcPattern<{ items: InvitationView[] }>()(queue, 'workspace.invitations.list', z.object({ workspaceId })),
  revokeInvitation: rpcPattern<InvitationView>()(queue, 'workspace.invitations.revoke', z.object({ workspaceId, invitationId: z.uuid() })),
  acceptInvitation: rpcPattern<MyWorkspaceView>()(queue, 'workspace.invitations.accept', z.object({ token: z.string().min(10).max(200) })),
  listActivity: rpcPattern<{ items: ActivityView[]; nextBefore: string | null }>()(
    queue,
    'workspace.activity.list',
    z.object({
      workspaceId,
      limit: z.number().int().min(1).max(200).default(50),
      before: z
        .string()
        .regex(/^\d{1,19}$/)
        .optional(),
    }),
  ),
  /**
   * For other services: may the caller (the forwarded token's user) do `action` in this
   * workspace? Answers the tenant and role, 404 for non-members, 403 for a role without
   * the action. Membership is read live, so removals take effect at once everywhere.
   * `fileVersionId`: the version about to be read; it lets a former client download the
   * deliverable of a milestone they paid for (and nothing else).
   */
  authorize: rpcPattern<WorkspaceGrant>()(
    queue,
    'workspace.access.authorize',
    z.object({ workspaceId, action: z.string().min(1).max(64), fileVersionId: z.uuid().optional() }),
  ),
  adminListAccountWorkspaces: rpcPattern<{ items: WorkspaceView[]; auditId: string }>()(
    queue,
    'workspace.admin.account-workspaces',
    z.object({ accountId: z.uuid(), reason }),
  ),
  adminListAudit: rpcPattern<{ items: AdminAuditView[] }>()(
    queue,
    'workspace.admin.audit',
    z.object({ limit: z.number().int().min(1).max(500).default(100) }),
  ),
} as const;
