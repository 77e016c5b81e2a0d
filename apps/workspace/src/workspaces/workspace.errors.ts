import { AppError } from '@fpms/common/errors/app-error';

export enum WorkspaceErrorCode {
  WorkspaceNotFound = 'workspace_not_found',
  AccountNotFound = 'account_not_found',
  AccountMismatch = 'account_mismatch',
  NoAccount = 'no_account',
}

/** Errors of the workspace feature; 404 for anything missing or foreign (no existence leaks). */
export class WorkspaceError extends AppError {
  static workspaceNotFound(workspaceId: string) {
    return new WorkspaceError(404, WorkspaceErrorCode.WorkspaceNotFound, 'Workspace not found', { workspaceId });
  }
  static accountNotFound() {
    return new WorkspaceError(404, WorkspaceErrorCode.AccountNotFound, 'Account not found');
  }
  static accountMismatch() {
    return new WorkspaceError(403, WorkspaceErrorCode.AccountMismatch, 'The token does not act for this account');
  }
  static noAccount() {
    return new WorkspaceError(403, WorkspaceErrorCode.NoAccount, 'This user has no freelancer account to create workspaces in');
  }
}
