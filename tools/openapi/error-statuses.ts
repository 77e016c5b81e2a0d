import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Which HTTP statuses each error code is raised with, read from the code that raises it
 * (`new AppError(409, TaskErrorCode.StaleVersion, …)`, `super(\n 404,\n XErrorCode.Y`): the
 * status is written beside the code at every throw site of apps/ and libs/.
 */
export function scanErrorStatuses(root: string): Map<string, Set<number>> {
  const statuses = new Map<string, Set<number>>();
  const pattern = /\(\s*([1-5]\d{2})\s*,\s*(\w+ErrorCode)\.(\w+)/g;
  for (const file of sourceFiles([join(root, 'apps'), join(root, 'libs')])) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(pattern)) {
      const key = `${match[2]}.${match[3]}`;
      const set = statuses.get(key) ?? new Set<number>();
      set.add(Number(match[1]));
      statuses.set(key, set);
    }
  }
  for (const [key, raised] of Object.entries(RAISED_THROUGH_A_VARIABLE)) statuses.set(key, new Set(raised));
  return statuses;
}

/**
 * Codes whose throw site takes the status or the code from a variable, so the scan cannot
 * pair them: written out here, beside the code that raises them.
 */
const RAISED_THROUGH_A_VARIABLE: Record<string, number[]> = {
  // apps/gateway/src/admin/platform-admin.guard.ts overrideReason(request, status): 403, or 400 on the dispute routes.
  'AccessErrorCode.OverrideRequired': [400, 403],
  // libs/platform/src/entitlements/plan-error.ts: every plan limit and feature answers 402 from its code map.
  'PlanErrorCode.ActiveWorkspacesLimitReached': [402],
  'PlanErrorCode.MembersPerWorkspaceLimitReached': [402],
  'PlanErrorCode.MilestonesPerMonthLimitReached': [402],
  'PlanErrorCode.StorageQuotaLimitReached': [402],
  'PlanErrorCode.MaxFileSizeLimitReached': [402],
  'PlanErrorCode.InternalNotesNotInPlan': [402],
  'PlanErrorCode.CustomTaskStatusesNotInPlan': [402],
  'PlanErrorCode.DailyDigestsNotInPlan': [402],
  'PlanErrorCode.ApiAccessNotInPlan': [402],
};

function sourceFiles(dirs: string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.spec.ts') && !path.endsWith('.test.ts')) files.push(path);
    }
  };
  dirs.forEach(walk);
  return files;
}
