import { CreateMessagingTables1732300000000 } from '@fpms/messaging';
import { CreateIdempotencyKeys1733000000000 } from '@fpms/database/idempotency';
import { AccountsAndWorkspaces1732300100000 } from './1732300100000-accounts-and-workspaces';
import { MembersInvitationsActivity1732300400000 } from './1732300400000-members-invitations-activity';
import { MilestonesTasksDashboards1732300500000 } from './1732300500000-milestones-tasks-dashboards';
import { TwoSidedRoles1732300610000 } from './1732300610000-two-sided-roles';
import { MilestoneMoneyState1732300650000 } from './1732300650000-milestone-money-state';
import { EnterWorkspace1733100000000 } from './1733100000000-enter-workspace';
import { MilestoneBillingMode1734800000000 } from './1734800000000-milestone-billing-mode';
import { MilestoneDisputes1734700000000 } from './1734700000000-milestone-disputes';
import { AccountEntitlements1735100000000 } from '@fpms/platform/entitlements';
import { PlanUsage1735100100000 } from './1735100100000-plan-usage';
import { ApprovalChains1736400000000 } from './1736400000000-approval-chains';
import { TimeTracking1736700000000 } from './1736700000000-time-tracking';
import { ActivityRedaction1736750000000 } from './1736750000000-activity-redaction';
import { TimeWeeks1736800000000 } from './1736800000000-time-weeks';

/** The workspace service's schema, in order. Run by tools/infra/provision (never `synchronize`). */
export const workspaceMigrations = [
  CreateMessagingTables1732300000000,
  AccountsAndWorkspaces1732300100000,
  MembersInvitationsActivity1732300400000,
  MilestonesTasksDashboards1732300500000,
  TwoSidedRoles1732300610000,
  MilestoneMoneyState1732300650000,
  CreateIdempotencyKeys1733000000000,
  EnterWorkspace1733100000000,
  MilestoneBillingMode1734800000000,
  MilestoneDisputes1734700000000,
  AccountEntitlements1735100000000,
  PlanUsage1735100100000,
  ApprovalChains1736400000000,
  TimeTracking1736700000000,
  ActivityRedaction1736750000000,
  TimeWeeks1736800000000,
];
