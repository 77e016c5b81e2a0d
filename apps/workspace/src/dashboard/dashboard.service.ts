import { Inject, Injectable } from '@nestjs/common';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { AccountDashboardView, WorkspaceDashboardView } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { Actor } from '../access/actor';
import { AccountError } from '../accounts/account.errors';
import { WorkspaceAccess } from '../access/workspace-access';
import { Clock } from '@fpms/common/scheduling/clock';
import { ApprovalChainsService } from '../approvals/approval-chains.service';
import { DashboardRepository } from './dashboard.repository';

@Injectable()
export class DashboardService {
  constructor(
    private readonly access: WorkspaceAccess,
    private readonly tx: TenantTransactions,
    private readonly dashboards: DashboardRepository,
    private readonly approvals: ApprovalChainsService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Every member reads it; clients see what they paid (`paid`, `refunded`) next to the freelancer's figures. */
  workspace(actor: Actor, workspaceId: string): Promise<WorkspaceDashboardView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ReadMilestones, async (manager, scope) => ({
      ...(await this.dashboards.workspace(manager, workspaceId, scope.accountId, this.today())),
      // Live, not projected: a handful of open requests per workspace, judged against the caller's current role.
      approvals: await this.approvals.waitingCounts(manager, workspaceId, actor.userId),
    }));
  }

  /** The account's own freelancer only; anyone else gets the same 404 as a missing account. */
  account(actor: Actor, accountId: string): Promise<AccountDashboardView> {
    if (actor.accountId !== accountId) throw AccountError.accountNotFound();
    return this.tx.run({ accountId, userId: actor.userId }, (manager) => this.dashboards.account(manager, accountId, this.today()));
  }

  /** Overdue means due before today (UTC), by the injectable clock. */
  private today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }
}
