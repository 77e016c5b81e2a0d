import { Injectable } from '@nestjs/common';
import type { TenantManager } from '@fpms/database/tenant-manager';

/** The first day (UTC) of the calendar month `at` falls in, as `YYYY-MM-01`. */
export const monthOf = (at: Date) => `${at.toISOString().slice(0, 7)}-01`;

/**
 * What the plan's limits count, in the workspace database. Each check runs under a lock
 * held to the end of the creating transaction, so concurrent creations are counted one
 * after another and never pass the limit together.
 */
@Injectable()
export class PlanUsageRepository {
  /** Serialises the account's workspace creations (an advisory lock: no row to lock before the first). */
  async lockWorkspaceCreation(manager: TenantManager, accountId: string): Promise<void> {
    await manager.query(`select pg_advisory_xact_lock(hashtextextended('plan-usage:workspaces:' || $1, 0))`, [accountId]);
  }

  /** Serialises the account's milestone proposals, whichever workspace they are in. */
  async lockMilestoneProposals(manager: TenantManager, accountId: string): Promise<void> {
    await manager.query(`select pg_advisory_xact_lock(hashtextextended('plan-usage:proposals:' || $1, 0))`, [accountId]);
  }

  /** Workspaces of the account (none is archived yet: every one counts as active). Needs an account-wide scope. */
  async countWorkspaces(manager: TenantManager, accountId: string): Promise<number> {
    const [row] = await manager.query(`select count(*)::int as n from workspaces where account_id = $1`, [accountId]);
    return row.n;
  }

  /** Members of the workspace, both sides, the owner included. */
  async countMembers(manager: TenantManager, workspaceId: string): Promise<number> {
    const [row] = await manager.query(`select count(*)::int as n from workspace_members where workspace_id = $1`, [workspaceId]);
    return row.n;
  }

  async proposalsInMonth(manager: TenantManager, accountId: string, month: string): Promise<number> {
    const [row] = await manager.query(`select count(*)::int as n from milestone_proposals where account_id = $1 and month = $2`, [
      accountId,
      month,
    ]);
    return row.n;
  }

  async isProposalCounted(manager: TenantManager, accountId: string, month: string, milestoneId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `select 1 from milestone_proposals where account_id = $1 and month = $2 and milestone_id = $3`,
      [accountId, month, milestoneId],
    );
    return rows.length > 0;
  }

  async recordProposal(
    manager: TenantManager,
    p: { accountId: string; workspaceId: string; milestoneId: string; month: string; at: Date },
  ): Promise<void> {
    await manager.query(
      `insert into milestone_proposals (account_id, month, milestone_id, workspace_id, proposed_at) values ($1, $2, $3, $4, $5)
       on conflict do nothing`,
      [p.accountId, p.month, p.milestoneId, p.workspaceId, p.at],
    );
  }
}
