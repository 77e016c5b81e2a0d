/** Events the workspace service publishes through its outbox. */
export const WorkspaceEvents = {
  accountCreated: 'workspace.account.created',
  workspaceCreated: 'workspace.workspace.created',
  memberAdded: 'workspace.member.added',
  memberRemoved: 'workspace.member.removed',
  memberRoleChanged: 'workspace.member.role_changed',
} as const;

export interface WorkspaceCreatedData {
  workspaceId: string;
  accountId: string;
  name: string;
  createdBy: string;
}

export interface AccountCreatedData {
  accountId: string;
  name: string;
  plan: string;
}

export interface MemberChangedData {
  workspaceId: string;
  userId: string;
  role: string | null;
  previousRole: string | null;
}
