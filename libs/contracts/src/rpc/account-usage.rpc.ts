import { NoFields } from '../requests/addressed';
import { rpcPattern, rpcQueue } from './rpc-pattern';

/** What the caller's own account uses of the plan limits the workspace service holds. */
export interface WorkspaceUsageView {
  /** Workspaces of the account (none is archived yet: all count). */
  activeWorkspaces: number;
  /** Members (both sides, owner included) of the account's fullest workspace. */
  maxMembersInWorkspace: number;
  /** Distinct milestones proposed this calendar month (UTC). */
  milestonesProposedThisMonth: number;
}

/** What the caller's own account stores (ready versions and pending uploads' reservations). */
export interface FilesUsageView {
  storageUsedBytes: number;
}

/**
 * Usage counts for billing's subscription page. Both act for the caller's own account (the
 * token's, its owner): a caller who owns none gets 403.
 */
export const AccountUsageRpc = {
  workspace: rpcPattern<WorkspaceUsageView>()(rpcQueue('workspace'), 'workspace.usage.get', NoFields),
  files: rpcPattern<FilesUsageView>()(rpcQueue('files'), 'files.usage.get', NoFields),
} as const;
