import { Addressed, NoFields, WorkspaceRef } from '../requests/addressed';
import { MilestoneStatusValue } from './milestones.rpc';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('workspace');

/** Minor units per bucket, for one currency. */
export interface MoneyBuckets {
  currency: string;
  /** Accepted and not cancelled or refunded: what the parties agreed to. */
  contracted: number;
  /** Funded and held (funded, submitted, changes requested, approved, refund requested). */
  inEscrow: number;
  released: number;
  refunded: number;
  /** Frozen by an open dispute. */
  disputed: number;
  /** The client's side: everything it has paid in (refunds included, see `refunded`). */
  paid: number;
}

export interface WorkspaceDashboardView {
  workspaceId: string;
  accountId: string;
  milestones: { total: number; open: number; byStatus: Record<MilestoneStatusValue, number> };
  tasks: { total: number; open: number };
  money: MoneyBuckets[];
  overdue: { milestones: number; tasks: number };
  /** Earliest due date among undelivered milestones and open tasks (YYYY-MM-DD). */
  nextDueDate: string | null;
  lastActivityAt: string | null;
  updatedAt: string;
  /** Approval requests open in the workspace, and those the caller may pass now (docs/approvals.md). */
  approvals: { open: number; waitingForYou: number };
}

export interface AccountDashboardView {
  accountId: string;
  workspaces: { total: number; active: number };
  milestones: { total: number; open: number };
  /** Per currency: released = earnings, inEscrow = money held for the account's work. */
  money: MoneyBuckets[];
  overdue: { milestones: number; tasks: number };
  nextDueDate: string | null;
  lastActivityAt: string | null;
  updatedAt: string;
}

export const DashboardRpc = {
  workspace: rpcPattern<WorkspaceDashboardView>()(queue, 'workspace.dashboard.workspace', WorkspaceRef),
  account: rpcPattern<AccountDashboardView>()(queue, 'workspace.dashboard.account', Addressed(NoFields, 'accountId')),
} as const;
