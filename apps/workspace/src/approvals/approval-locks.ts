import type { TenantManager } from '@fpms/database/tenant-manager';
import { MilestoneRow, MilestonesRepository } from '../milestones/milestones.repository';
import { ApprovalRequestRow, ApprovalRequestsRepository } from './approval-requests.repository';

/**
 * A request and its milestone, locked milestone first: the order milestone commands lock in
 * (milestone, then its open requests), so decisions, timers and commands never deadlock.
 * Null when either is gone.
 */
export async function lockRequestAndMilestone(
  manager: TenantManager,
  requests: ApprovalRequestsRepository,
  milestones: MilestonesRepository,
  workspaceId: string,
  requestId: string,
): Promise<{ row: ApprovalRequestRow; milestone: MilestoneRow } | null> {
  const unlocked = await requests.find(manager, workspaceId, requestId, false);
  if (!unlocked) return null;
  const milestone = await milestones.find(manager, workspaceId, unlocked.milestone_id, true);
  const row = await requests.find(manager, workspaceId, requestId, true);
  return milestone && row ? { row, milestone } : null;
}
