/** Events the workspace service publishes through its outbox. */
export const WorkspaceEvents = {
  accountCreated: 'workspace.account.created',
  workspaceCreated: 'workspace.workspace.created',
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
