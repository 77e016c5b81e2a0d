import { Addressed, NoFields, WorkspaceRef } from '../requests/addressed';
import { AdminAccountWorkspacesRequest, AdminAuditQuery } from '../requests/admin.requests';
import { AcceptInvitationRequest, CreateInvitationRequest } from '../requests/invitations.requests';
import { ChangeMemberRoleRequest } from '../requests/members.requests';
import { PageQuery } from '../requests/paging';
import { AuthorizeRequest, CreateAccountRequest, CreateWorkspaceBody, UpdateWorkspaceRequest } from '../requests/workspaces.requests';
import { INVITABLE_ROLE_VALUES, WORKSPACE_ROLE_VALUES } from './workspace-roles';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('workspace');

export * from './workspace-roles';

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

/** What keeps a user from erasing their account (issue 18 part 5): money in flight in a workspace they are a member of. */
export const ERASURE_BLOCKER_KINDS = ['escrow_held', 'release_pending', 'dispute_open'] as const;
export type ErasureBlockerKind = (typeof ERASURE_BLOCKER_KINDS)[number];

export interface ErasureBlockerView {
  kind: ErasureBlockerKind;
  workspaceId: string;
  milestoneId: string;
}

export const WorkspaceRpc = {
  createAccount: rpcPattern<AccountView>()(queue, 'workspace.accounts.create', CreateAccountRequest),
  createWorkspace: rpcPattern<MyWorkspaceView>()(queue, 'workspace.workspaces.create', CreateWorkspaceBody),
  listWorkspaces: rpcPattern<{ items: MyWorkspaceView[] }>()(queue, 'workspace.workspaces.list', NoFields),
  getWorkspace: rpcPattern<MyWorkspaceView>()(queue, 'workspace.workspaces.get', WorkspaceRef),
  updateWorkspace: rpcPattern<MyWorkspaceView>()(queue, 'workspace.workspaces.update', UpdateWorkspaceRequest),
  listMembers: rpcPattern<{ items: MemberView[] }>()(queue, 'workspace.members.list', WorkspaceRef),
  changeMemberRole: rpcPattern<MemberView>()(queue, 'workspace.members.change-role', ChangeMemberRoleRequest),
  removeMember: rpcPattern<{ removed: true }>()(queue, 'workspace.members.remove', Addressed(NoFields, 'workspaceId', 'userId')),
  createInvitation: rpcPattern<CreatedInvitationView>()(queue, 'workspace.invitations.create', CreateInvitationRequest),
  listInvitations: rpcPattern<{ items: InvitationView[] }>()(queue, 'workspace.invitations.list', WorkspaceRef),
  revokeInvitation: rpcPattern<InvitationView>()(queue, 'workspace.invitations.revoke', Addressed(NoFields, 'workspaceId', 'invitationId')),
  acceptInvitation: rpcPattern<MyWorkspaceView>()(queue, 'workspace.invitations.accept', AcceptInvitationRequest),
  listActivity: rpcPattern<{ items: ActivityView[]; nextBefore: string | null }>()(
    queue,
    'workspace.activity.list',
    Addressed(PageQuery, 'workspaceId'),
  ),
  /**
   * For other services: may the caller (the forwarded token's user) do `action` in this
   * workspace? Answers the tenant and role, 404 for non-members, 403 for a role without
   * the action. Membership is read live, so removals take effect at once everywhere.
   * `fileVersionId`: the version about to be read; it lets a former client download the
   * deliverable of a milestone they paid for (and nothing else).
   */
  authorize: rpcPattern<WorkspaceGrant>()(queue, 'workspace.access.authorize', AuthorizeRequest),
  adminListAccountWorkspaces: rpcPattern<{ items: WorkspaceView[]; auditId: string }>()(
    queue,
    'workspace.admin.account-workspaces',
    AdminAccountWorkspacesRequest,
  ),
  adminListAudit: rpcPattern<{ items: AdminAuditView[] }>()(queue, 'workspace.admin.audit', AdminAuditQuery),
  /**
   * For the gateway, before it erases the caller (the forwarded token's user): the money in
   * flight in every workspace they are a member of, from the milestones' money state
   * (billing's newest facts): held and not yet approved, approved and not yet released, or
   * frozen by a dispute or chargeback. Empty when nothing blocks.
   */
  erasureBlockers: rpcPattern<{ items: ErasureBlockerView[] }>()(queue, 'workspace.erasure.blockers', NoFields),
} as const;
