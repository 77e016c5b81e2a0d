import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DUE_TRACKED_STATUSES, MILESTONE_STATUSES } from '../milestones/milestone-state-machine';
import { BUCKETS, MONEY_BUCKETS, OPEN_MILESTONE_STATUSES } from './dashboard-contributions';

const list = (values: readonly string[]) => `(${values.map((v) => `'${v}'`).join(', ')})`;
const DASHBOARD_TABLES = [
  'workspace_dashboards',
  'workspace_dashboard_money',
  'workspace_dashboard_due',
  'account_dashboards',
  'account_dashboard_money',
  'account_dashboard_due',
];

export interface RebuildResult {
  workspaces: number;
  accounts: number;
  ms: number;
}

/**
 * The rebuild command's statements. Recomputes every dashboard row from the source tables (milestones, tasks, task board,
 * workspaces, activity log) with the same per-status rules the incremental projector
 * applies (dashboard-contributions.ts: the same bucket definitions, in SQL). Cross-tenant by nature: run it on the system
 * (BYPASSRLS) connection. Writers are held off by a table lock for the duration, so a
 * change committed during the rebuild is either in its snapshot or applied on top of it.
 */
@Injectable()
export class CrossTenantDashboardRebuildRepository {
  async rebuildAll(db: DataSource | EntityManager): Promise<RebuildResult> {
    const started = Date.now();
    const run = async (m: EntityManager): Promise<RebuildResult> => {
      await m.query(`lock table ${DASHBOARD_TABLES.join(', ')} in exclusive mode`);
      for (const table of DASHBOARD_TABLES) await m.query(`delete from ${table}`);

      const statusCounts = MILESTONE_STATUSES.map((s) => `count(*) filter (where status = '${s}')::int as ms_${s}`).join(', ');
      const statusCols = MILESTONE_STATUSES.map((s) => `ms_${s}`);
      await m.query(`
      insert into workspace_dashboards (workspace_id, account_id, milestones_total, milestones_open, ${statusCols.join(', ')}, tasks_total, tasks_open, last_activity_at, updated_at)
      select w.id, w.account_id, coalesce(ms.total, 0), coalesce(ms.open, 0), ${statusCols.map((c) => `coalesce(ms.${c}, 0)`).join(', ')},
             coalesce(t.total, 0), coalesce(t.open, 0), a.last_at, now()
        from workspaces w
        left join (select workspace_id, count(*)::int as total, count(*) filter (where status in ${list(OPEN_MILESTONE_STATUSES)})::int as open, ${statusCounts}
                     from milestones group by workspace_id) ms on ms.workspace_id = w.id
        left join (select t.workspace_id, count(*)::int as total, count(*) filter (where s.category <> 'done')::int as open
                     from tasks t join task_statuses s on s.workspace_id = t.workspace_id and s.key = t.status group by t.workspace_id) t on t.workspace_id = w.id
        left join (select workspace_id, max(created_at) as last_at from activity_log
                    where workspace_id is not null and (action = 'workspace.created' or target_type in ('milestone', 'task'))
                    group by workspace_id) a on a.workspace_id = w.id`);

      const sums = MONEY_BUCKETS.map((b) => `coalesce(sum(${BUCKETS[b].sql}), 0) as ${b}`).join(', ');
      const nonZero = MONEY_BUCKETS.map((b) => `sum(${b}) <> 0`).join(' or ');
      await m.query(`
      insert into workspace_dashboard_money (workspace_id, currency, account_id, ${MONEY_BUCKETS.join(', ')})
      select workspace_id, currency, account_id, ${MONEY_BUCKETS.join(', ')}
        from (select workspace_id, currency, min(account_id::text)::uuid as account_id, ${sums} from milestones group by workspace_id, currency) x
       where ${MONEY_BUCKETS.map((b) => `${b} <> 0`).join(' or ')}`);
      await m.query(`
      insert into workspace_dashboard_due (workspace_id, kind, due_date, account_id, open_count)
      select workspace_id, kind, due_date, min(account_id::text)::uuid, count(*)::int
        from (select workspace_id, account_id, 'milestone' as kind, due_date from milestones
               where due_date is not null and status in ${list(DUE_TRACKED_STATUSES)}
              union all
              select t.workspace_id, t.account_id, 'task', t.due_date from tasks t
                join task_statuses s on s.workspace_id = t.workspace_id and s.key = t.status
               where t.due_date is not null and s.category <> 'done') d
       group by workspace_id, kind, due_date`);

      await m.query(`
      insert into account_dashboards (account_id, workspaces_total, workspaces_active, milestones_total, milestones_open, last_activity_at, updated_at)
      select account_id, count(*)::int, count(*) filter (where milestones_open + tasks_open > 0)::int,
             sum(milestones_total)::int, sum(milestones_open)::int, max(last_activity_at), now()
        from workspace_dashboards group by account_id`);
      await m.query(`
      insert into account_dashboard_money (account_id, currency, ${MONEY_BUCKETS.join(', ')})
      select account_id, currency, ${MONEY_BUCKETS.map((b) => `sum(${b})`).join(', ')}
        from workspace_dashboard_money group by account_id, currency having ${nonZero}`);
      await m.query(`
      insert into account_dashboard_due (account_id, kind, due_date, open_count)
      select account_id, kind, due_date, sum(open_count)::int from workspace_dashboard_due group by account_id, kind, due_date`);

      const [{ workspaces }] = await m.query(`select count(*)::int as workspaces from workspace_dashboards`);
      const [{ accounts }] = await m.query(`select count(*)::int as accounts from account_dashboards`);
      return { workspaces, accounts, ms: Date.now() - started };
    };
    if (db instanceof DataSource) return db.transaction(run);
    return run(db);
  }

  /** Every dashboard row, in a stable order and without bookkeeping columns: for comparing rebuild with incremental. */
  async snapshot(db: DataSource | EntityManager): Promise<Record<string, unknown[]>> {
    const out: Record<string, unknown[]> = {};
    for (const table of DASHBOARD_TABLES) {
      const keyColumns = table.endsWith('_due') ? '1, 2, 3' : table.endsWith('_money') ? '1, 2' : '1';
      const rows: Array<Record<string, unknown>> = await db.query(`select * from ${table} order by ${keyColumns}`);
      out[table] = rows.map(({ updated_at: _u, ...rest }) => rest);
    }
    return out;
  }
}
