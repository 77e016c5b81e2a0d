import type { PlanFeature, PlanLimitName } from '../plans';

/**
 * 402 codes of plan enforcement (workspace, files): a limit reached, a feature the plan
 * lacks, or an account locked for an unpaid renewal (docs/decisions.md, "Lockout").
 */
export enum PlanErrorCode {
  ActiveWorkspacesLimitReached = 'active_workspaces_limit_reached',
  MembersPerWorkspaceLimitReached = 'members_per_workspace_limit_reached',
  MilestonesPerMonthLimitReached = 'milestones_per_month_limit_reached',
  StorageQuotaLimitReached = 'storage_quota_bytes_limit_reached',
  MaxFileSizeLimitReached = 'max_file_size_bytes_limit_reached',
  InternalNotesNotInPlan = 'internal_notes_not_in_plan',
  CustomTaskStatusesNotInPlan = 'custom_task_statuses_not_in_plan',
  DailyDigestsNotInPlan = 'daily_digests_not_in_plan',
  ApiAccessNotInPlan = 'api_access_not_in_plan',
  AccountLocked = 'account_locked',
}

/** `<limit in snake case>_limit_reached`, one per limit of PLAN_LIMIT_NAMES. */
export const PLAN_LIMIT_ERROR_CODES: Readonly<Record<PlanLimitName, PlanErrorCode>> = {
  activeWorkspaces: PlanErrorCode.ActiveWorkspacesLimitReached,
  membersPerWorkspace: PlanErrorCode.MembersPerWorkspaceLimitReached,
  milestonesPerMonth: PlanErrorCode.MilestonesPerMonthLimitReached,
  storageQuotaBytes: PlanErrorCode.StorageQuotaLimitReached,
  maxFileSizeBytes: PlanErrorCode.MaxFileSizeLimitReached,
};

/** `<feature in snake case>_not_in_plan`, one per feature of PLAN_FEATURES. */
export const PLAN_FEATURE_ERROR_CODES: Readonly<Record<PlanFeature, PlanErrorCode>> = {
  internalNotes: PlanErrorCode.InternalNotesNotInPlan,
  customTaskStatuses: PlanErrorCode.CustomTaskStatusesNotInPlan,
  dailyDigests: PlanErrorCode.DailyDigestsNotInPlan,
  apiAccess: PlanErrorCode.ApiAccessNotInPlan,
};
