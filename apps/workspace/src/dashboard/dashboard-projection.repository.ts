import { Injectable } from '@nestjs/common';
import {
  Contribution,
  dueDeltas,
  milestoneContribution,
  MilestoneFacts,
  MONEY_BUCKETS,
  moneyDeltas,
  taskContribution,
  TaskFacts,
} from './dashboard-contributions';
import type { TenantManager } from '@fpms/database/tenant-manager';

export interface DashboardScope {
  accountId: string;
  workspaceId: string;
}

const MONEY_COLS = MONEY_BUCKETS.join(', ');
const MONEY_ADD = (table: string) => MONEY_BUCKETS.map((b) => `${b} = ${table}.${b} + excluded.${b}`).join(', ');
const MONEY_ALL_ZERO = MONEY_BUCKETS.map((b) => `${b} = 0`).join(' and ');

/**
 * The dashboard read models' writes (the statements; what each change contributes is
 * computed in dashboard-contributions.ts). Keeps them current, in the caller's transaction: the same one as
 * the milestone/task change, and for billing events the same one as the inbox insert.
 * A change that rolls back takes its dashboard delta with it; a duplicate event never
 * reaches here (inbox) and a stale one is filtered before, so nothing counts twice.
 */
@Injectable()
export class DashboardProjectionRepository {
  async workspaceCreated(manager: TenantManager, scope: DashboardScope): Promise<void> {
    await this.ensureRows(manager, scope);
    await manager.query(`update account_dashboards set workspaces_total = workspaces_total + 1, updated_at = now() where account_id = $1`, [
      scope.accountId,
    ]);
    await this.touch(manager, scope);
  }

  milestoneChanged(
    manager: TenantManager,
    scope: DashboardScope,
    before: MilestoneFacts | null,
    after: MilestoneFacts | null,
  ): Promise<void> {
    return this.apply(manager, scope, before && milestoneContribution(before), after && milestoneContribution(after));
  }

  taskChanged(manager: TenantManager, scope: DashboardScope, before: TaskFacts | null, after: TaskFacts | null): Promise<void> {
    return this.apply(manager, scope, before && taskContribution(before), after && taskContribution(after));
  }

  private async apply(
    manager: TenantManager,
    scope: DashboardScope,
    before: Contribution | null,
    after: Contribution | null,
  ): Promise<void> {
    await this.ensureRows(manager, scope);
    const d = (pick: (c: Contribution) => number) => (after ? pick(after) : 0) - (before ? pick(before) : 0);
    const [row] = await manager.query(`select milestones_open, tasks_open from workspace_dashboards where workspace_id = $1 for update`, [
      scope.workspaceId,
    ]);
    const wasActive = row.milestones_open + row.tasks_open > 0;
    const openDelta = d((c) => c.milestonesOpen) + d((c) => c.tasksOpen);
    const isActive = row.milestones_open + row.tasks_open + openDelta > 0;

    // Status columns come from a closed set (the state machine's statuses), never input.
    const statusSets: string[] = [];
    const statusDelta = new Map<string, number>();
    if (before?.status) statusDelta.set(before.status, (statusDelta.get(before.status) ?? 0) - 1);
    if (after?.status) statusDelta.set(after.status, (statusDelta.get(after.status) ?? 0) + 1);
    for (const [status, delta] of statusDelta) if (delta !== 0) statusSets.push(`ms_${status} = ms_${status} + ${delta}`);

    await manager.query(
      `update workspace_dashboards
          set milestones_total = milestones_total + $2, milestones_open = milestones_open + $3,
              tasks_total = tasks_total + $4, tasks_open = tasks_open + $5,
              ${statusSets.map((s) => `${s}, `).join('')}
              last_activity_at = greatest(last_activity_at, now()), updated_at = now()
        where workspace_id = $1`,
      [scope.workspaceId, d((c) => c.milestones), d((c) => c.milestonesOpen), d((c) => c.tasks), d((c) => c.tasksOpen)],
    );
    await manager.query(
      `update account_dashboards
          set milestones_total = milestones_total + $2, milestones_open = milestones_open + $3,
              workspaces_active = workspaces_active + $4,
              last_activity_at = greatest(last_activity_at, now()), updated_at = now()
        where account_id = $1`,
      [scope.accountId, d((c) => c.milestones), d((c) => c.milestonesOpen), Number(isActive) - Number(wasActive)],
    );

    for (const [currency, delta] of moneyDeltas(before, after)) {
      const values = MONEY_BUCKETS.map((b) => delta[b]);
      await manager.query(
        `insert into workspace_dashboard_money (workspace_id, currency, account_id, ${MONEY_COLS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (workspace_id, currency) do update set ${MONEY_ADD('workspace_dashboard_money')}`,
        [scope.workspaceId, currency, scope.accountId, ...values],
      );
      await manager.query(`delete from workspace_dashboard_money where workspace_id = $1 and currency = $2 and ${MONEY_ALL_ZERO}`, [
        scope.workspaceId,
        currency,
      ]);
      await manager.query(
        `insert into account_dashboard_money (account_id, currency, ${MONEY_COLS}) values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (account_id, currency) do update set ${MONEY_ADD('account_dashboard_money')}`,
        [scope.accountId, currency, ...values],
      );
      await manager.query(`delete from account_dashboard_money where account_id = $1 and currency = $2 and ${MONEY_ALL_ZERO}`, [
        scope.accountId,
        currency,
      ]);
    }

    for (const [key, delta] of dueDeltas(before, after)) {
      const [kind, date] = key.split('|');
      if (delta < 0) {
        // A plain update: an INSERT … ON CONFLICT would check the negative row against the constraint first.
        await manager.query(
          `update workspace_dashboard_due set open_count = open_count + $4 where workspace_id = $1 and kind = $2 and due_date = $3`,
          [scope.workspaceId, kind, date, delta],
        );
        await manager.query(
          `update account_dashboard_due set open_count = open_count + $4 where account_id = $1 and kind = $2 and due_date = $3`,
          [scope.accountId, kind, date, delta],
        );
        await manager.query(
          `delete from workspace_dashboard_due where workspace_id = $1 and kind = $2 and due_date = $3 and open_count = 0`,
          [scope.workspaceId, kind, date],
        );
        await manager.query(`delete from account_dashboard_due where account_id = $1 and kind = $2 and due_date = $3 and open_count = 0`, [
          scope.accountId,
          kind,
          date,
        ]);
        continue;
      }
      await manager.query(
        `insert into workspace_dashboard_due (workspace_id, kind, due_date, account_id, open_count) values ($1, $2, $3, $4, $5)
         on conflict (workspace_id, kind, due_date) do update set open_count = workspace_dashboard_due.open_count + excluded.open_count`,
        [scope.workspaceId, kind, date, scope.accountId, delta],
      );
      await manager.query(
        `insert into account_dashboard_due (account_id, kind, due_date, open_count) values ($1, $2, $3, $4)
         on conflict (account_id, kind, due_date) do update set open_count = account_dashboard_due.open_count + excluded.open_count`,
        [scope.accountId, kind, date, delta],
      );
    }
  }

  private async ensureRows(manager: TenantManager, scope: DashboardScope): Promise<void> {
    await manager.query(`insert into account_dashboards (account_id) values ($1) on conflict do nothing`, [scope.accountId]);
    await manager.query(`insert into workspace_dashboards (workspace_id, account_id) values ($1, $2) on conflict do nothing`, [
      scope.workspaceId,
      scope.accountId,
    ]);
  }

  private async touch(manager: TenantManager, scope: DashboardScope): Promise<void> {
    await manager.query(
      `update workspace_dashboards set last_activity_at = greatest(last_activity_at, now()), updated_at = now() where workspace_id = $1`,
      [scope.workspaceId],
    );
    await manager.query(
      `update account_dashboards set last_activity_at = greatest(last_activity_at, now()), updated_at = now() where account_id = $1`,
      [scope.accountId],
    );
  }
}
