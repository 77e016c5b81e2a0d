/** Who a member is in a workspace: the freelancer side (owner, collaborator) or the client side. */
export const WORKSPACE_ROLE_VALUES = ['owner', 'collaborator', 'client_admin', 'client_viewer'] as const;
export const INVITABLE_ROLE_VALUES = ['collaborator', 'client_admin', 'client_viewer'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLE_VALUES)[number];
export type InvitableRole = (typeof INVITABLE_ROLE_VALUES)[number];
