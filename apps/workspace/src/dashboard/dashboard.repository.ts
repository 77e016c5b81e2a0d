import { Injectable } from '@nestjs/common';
import { AccountDashboardView, MILESTONE_STATUS_VALUES, MilestoneStatusValue, MoneyBuckets, WorkspaceDashboardView } from '@fpms/contracts';
import { preparedQuery } from '@fpms/database/prepared-query';
import type { TenantManager } from '@fpms/database/tenant-manager';

interface MoneyRow {
  currency: string;
  contracted: string;
  in_escrow: string;
  released: string;
  refunded: string;
  disputed: string;
  paid: string;
}

interface DueRow {
  overdue_milestones: number;
  overdue_tasks: number;
  next_due: string | null;
}

const toMoney = (r: MoneyRow): MoneyBuckets => ({
  currency: r.currency,
  contracted: Number(r.contracted),
  inEscrow: Number(r.in_escrow),
  released: Number(r.released),
  refunded: Number(r.refunded),
  disputed: Number(r.disputed),
  paid: Number(r.paid),
});
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const MONEY = `currency, contracted::text, in_escrow::text, released::text, refunded::text, disputed::text, paid::text`;

/**
 * The dashboard read path: primary-key lookups on the read models (the row, its
 * currencies, and the open due-date histogram), never a scan of milestones or payments.
 */
@Injectable()
export class DashboardRepository {
  async workspace(
    manager: TenantManager,
    workspaceId: string,
    accountId: string,
    today: string,
  ): Promise<Omit<WorkspaceDashboardView, 'approvals'>> {
    const [row] = await manager.query(`select * from workspace_dashboards where workspace_id = $1`, [workspaceId]);
    // The row stays `select *` (its per-status columns follow the status list); the other two are prepared once per connection.
    const money = await preparedQuery<MoneyRow>(
      manager,
      `select ${MONEY} from workspace_dashboard_money where workspace_id = $1 order by currency`,
      [workspaceId],
    );
    const [due] = await preparedQuery<DueRow>(
      manager,
      `select coalesce(sum(open_count) filter (where kind = 'milestone' and due_date < $2), 0)::int as overdue_milestones,
              coalesce(sum(open_count) filter (where kind = 'task' and due_date < $2), 0)::int as overdue_tasks,
              min(due_date) filter (where due_date >= $2)::text as next_due
         from workspace_dashboard_due where workspace_id = $1`,
      [workspaceId, today],
    );
    const byStatus = Object.fromEntries(MILESTONE_STATUS_VALUES.map((s) => [s, row ? Number(row[`ms_${s}`]) : 0])) as Record<
      MilestoneStatusValue,
      number
    >;
    return {
      workspaceId,
      accountId: row?.account_id ?? accountId,
      milestones: { total: row?.milestones_total ?? 0, open: row?.milestones_open ?? 0, byStatus },
      tasks: { total: row?.tasks_total ?? 0, open: row?.tasks_open ?? 0 },
      money: money.map(toMoney),
      overdue: { milestones: due.overdue_milestones, tasks: due.overdue_tasks },
      nextDueDate: due.next_due,
      lastActivityAt: iso(row?.last_activity_at ?? null),
      updatedAt: iso(row?.updated_at ?? null) ?? new Date(0).toISOString(),
    };
  }

  async account(manager: TenantManager, accountId: string, today: string): Promise<AccountDashboardView> {
    const [row] = await manager.query(`select * from account_dashboards where account_id = $1`, [accountId]);
    const money = await preparedQuery<MoneyRow>(
      manager,
      `select ${MONEY} from account_dashboard_money where account_id = $1 order by currency`,
      [accountId],
    );
    const [due] = await preparedQuery<DueRow>(
      manager,
      `select coalesce(sum(open_count) filter (where kind = 'milestone' and due_date < $2), 0)::int as overdue_milestones,
              coalesce(sum(open_count) filter (where kind = 'task' and due_date < $2), 0)::int as overdue_tasks,
              min(due_date) filter (where due_date >= $2)::text as next_due
         from account_dashboard_due where account_id = $1`,
      [accountId, today],
    );
    return {
      accountId,
      workspaces: { total: row?.workspaces_total ?? 0, active: row?.workspaces_active ?? 0 },
      milestones: { total: row?.milestones_total ?? 0, open: row?.milestones_open ?? 0 },
      money: money.map(toMoney),
      overdue: { milestones: due.overdue_milestones, tasks: due.overdue_tasks },
      nextDueDate: due.next_due,
      lastActivityAt: iso(row?.last_activity_at ?? null),
      updatedAt: iso(row?.updated_at ?? null) ?? new Date(0).toISOString(),
    };
  }
}
