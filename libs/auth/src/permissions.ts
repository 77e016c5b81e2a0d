/**
 * Who may do what inside a workspace: one matrix, in code, for every service. A user who
 * is not a member at all gets 404 before this matrix is consulted (no existence leaks);
 * a member whose role lacks the action gets 403.
 */
export const WORKSPACE_ROLES = ['owner', 'collaborator', 'client_admin', 'client_viewer'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

/** Roles an invitation may grant: every workspace has exactly one owner, its account's. */
export const INVITABLE_ROLES = ['collaborator', 'client_admin', 'client_viewer'] as const satisfies readonly WorkspaceRole[];

export enum WorkspaceAction {
  ReadWorkspace = 'workspace.read',
  UpdateWorkspace = 'workspace.update',
  ReadMembers = 'members.read',
  ManageMembers = 'members.manage',
  ManageInvitations = 'invitations.manage',
  ReadActivity = 'activity.read',
}

const ALL: readonly WorkspaceRole[] = WORKSPACE_ROLES;

export const PERMISSION_MATRIX: Readonly<Record<WorkspaceAction, readonly WorkspaceRole[]>> = {
  [WorkspaceAction.ReadWorkspace]: ALL,
  [WorkspaceAction.UpdateWorkspace]: ['owner'],
  [WorkspaceAction.ReadMembers]: ALL,
  [WorkspaceAction.ManageMembers]: ['owner'],
  [WorkspaceAction.ManageInvitations]: ['owner'],
  [WorkspaceAction.ReadActivity]: ['owner'],
};

export function can(role: WorkspaceRole, action: WorkspaceAction): boolean {
  return PERMISSION_MATRIX[action].includes(role);
}

export function isWorkspaceRole(value: unknown): value is WorkspaceRole {
  return typeof value === 'string' && (WORKSPACE_ROLES as readonly string[]).includes(value);
}
