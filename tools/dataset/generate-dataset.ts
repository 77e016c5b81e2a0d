import { DataSource } from 'typeorm';
import { CrossTenantDashboardRebuildRepository } from '../../apps/workspace/src/dashboard/dashboard-rebuild.repository';

const dashboardRebuild = new CrossTenantDashboardRebuildRepository();

export interface DatasetOptions {
  accounts: number;
  workspaces: number;
  milestones: number;
  /** Billing money facts (milestone_money_events), about one or two per paid milestone, capped here. */
  payments: number;
  /** Tasks, spread over the workspaces (default milestones / 4). */
  tasks?: number;
  /** A real user (signed up through the gateway) made client_admin of every generated workspace, so it can read every dashboard. */
  memberUserId?: string;
  memberEmail?: string;
  /** That user's own account: it owns the first `agencyWorkspaces` workspaces (a big agency, for the account dashboard). */
  agencyAccountId?: string;
  agencyWorkspaces?: number;
  log?: (line: string) => void;
}

export interface DatasetResult {
  seconds: Record<string, number>;
  counts: Record<string, number>;
}

/** Status mix of a mature platform, in per-mille buckets of a hash of the row number. */
const STATUS_MIX: Array<[string, number]> = [
  ['released', 450],
  ['approved', 30],
  ['submitted', 50],
  ['funded', 100],
  ['changes_requested', 20],
  ['funding', 10],
  ['accepted', 50],
  ['proposed', 50],
  ['draft', 100],
  ['cancelled', 80],
  ['refund_requested', 10],
  ['refunded', 30],
  ['disputed', 20],
];

function statusCase(expr: string): string {
  let upper = 0;
  const whens = STATUS_MIX.map(([status, share]) => {
    upper += share;
    return `when ${expr} < ${upper} then '${status}'`;
  });
  return `case ${whens.join(' ')} end`;
}

/**
 * Loads a realistic workspace-service dataset with bulk SQL (generate_series, INSERT …
 * SELECT) on an admin connection, never through the API: accounts, workspaces with their
 * owner memberships, milestones in every status, review timers, billing money events,
 * tasks on the default board, then the dashboard read models via the same rebuild the
 * `workspace:rebuild-dashboards` command runs, and ANALYZE.
 */
export async function generateDataset(db: DataSource, o: DatasetOptions): Promise<DatasetResult> {
  const log = o.log ?? (() => undefined);
  const seconds: Record<string, number> = {};
  const step = async (name: string, sql: string, params: unknown[] = []) => {
    const t = Date.now();
    await db.query(sql, params);
    seconds[name] = (seconds[name] ?? 0) + (Date.now() - t) / 1000;
    log(`  ${name}: ${seconds[name].toFixed(1)} s`);
  };
  const agencyWs = o.agencyAccountId ? Math.min(o.agencyWorkspaces ?? 100, o.workspaces) : 0;
  const tasks = o.tasks ?? Math.floor(o.milestones / 4);

  await db.query(`set synchronous_commit = off`);
  await db.query(`set maintenance_work_mem = '256MB'`);
  await db.query(`set work_mem = '64MB'`);
  await step(
    'accounts',
    `create unlogged table if not exists gen_accounts as
       select g as n, gen_random_uuid() as id, gen_random_uuid() as owner from generate_series(1, $1::int) g`,
    [o.accounts],
  );
  await step(
    `accounts`,
    `insert into accounts (id, name, plan, owner_user_id) select id, 'Generated account ' || n, 'pro', owner from gen_accounts`,
  );
  await step(
    'workspaces',
    `create unlogged table gen_ws as
       select g as n, gen_random_uuid() as id,
              case when g <= $2::int then $3::uuid else a.id end as account_id,
              case when g <= $2::int then $4::uuid else a.owner end as owner
         from generate_series(1, $1::int) g
         join gen_accounts a on a.n = ((g * 7919) % $5::int) + 1`,
    [o.workspaces, agencyWs, o.agencyAccountId ?? null, o.memberUserId ?? null, o.accounts],
  );
  await step(
    'workspaces',
    `insert into workspaces (id, account_id, name, client_name, created_by, created_at, review_window_days)
     select id, account_id, 'Engagement ' || n, 'Client ' || (n % 997), owner, now() - make_interval(days => (n % 700)), 14 from gen_ws`,
  );
  await step(
    'members',
    `insert into workspace_members (workspace_id, account_id, user_id, role, email)
     select id, account_id, owner, 'owner', 'owner-' || n || '@example.test' from gen_ws`,
  );
  if (o.memberUserId) {
    await step(
      'members',
      `insert into workspace_members (workspace_id, account_id, user_id, role, email)
       select id, account_id, $1::uuid, 'client_admin', $2 from gen_ws where owner <> $1::uuid`,
      [o.memberUserId, o.memberEmail ?? 'bench@example.test'],
    );
  }
  await step(
    'activity',
    `insert into activity_log (account_id, workspace_id, actor_user_id, action, target_type, target_id, after, created_at)
     select account_id, id, owner, 'workspace.created', 'workspace', id::text, jsonb_build_object('name', 'Engagement ' || n), now() - make_interval(days => (n % 700)) from gen_ws`,
  );
  await step(
    'task board',
    `insert into task_statuses (workspace_id, account_id, key, name, category, position)
     select w.id, w.account_id, s.key, s.name, s.category, s.position from gen_ws w
     cross join (values ('todo', 'To do', 'todo', 0), ('in_progress', 'In progress', 'in_progress', 1), ('in_review', 'In review', 'in_progress', 2), ('done', 'Done', 'done', 3)) as s(key, name, category, position)`,
  );

  // Milestones: the row number g decides workspace, status, amount, currency and dates (deterministic, well spread).
  const h = `((g::bigint * 2654435761) % 1000)`;
  await step(
    'milestones',
    `insert into milestones (id, account_id, workspace_id, title, amount, currency, due_date, review_window_days, status, work_status,
                             money_status, money_charged, money_released, money_platform_fee, money_refunded, money_disputed,
                             deliverable_file_version_id, submitted_at, approved_at, approved_by, billing_version, version, created_by, created_at, updated_at)
     select gen_random_uuid(), w.account_id, w.id, 'Milestone ' || g, x.amount, x.currency, x.due_date, 14, x.status,
            -- disputed ones are chargebacks during review; released ones were approved first
            case x.status when 'disputed' then 'submitted' when 'released' then 'approved' when 'refunded' then 'refund_requested' else x.status end,
            case when x.status in ('draft', 'proposed', 'accepted', 'funding', 'cancelled') then null
                 when x.status in ('released', 'refunded') then x.status else 'held' end,
            case when x.status in ('draft', 'proposed', 'accepted', 'funding', 'cancelled') then 0 else x.amount end,
            case when x.status = 'released' then x.amount else 0 end,
            case when x.status = 'released' then x.amount / 10 else 0 end,
            case when x.status = 'refunded' then x.amount else 0 end,
            case when x.status = 'disputed' then x.amount else 0 end,
            case when x.status in ('submitted', 'approved', 'released', 'disputed') then gen_random_uuid() end,
            case when x.status in ('submitted', 'approved', 'released', 'disputed') then now() - make_interval(days => (g % 20)) end,
            case when x.status in ('approved', 'released') then now() - make_interval(days => (g % 10)) end,
            case when x.status in ('approved', 'released') then (case when g % 5 = 0 then 'auto' else 'client' end) end,
            case when x.status in ('draft', 'proposed', 'accepted', 'funding', 'cancelled') then null else 2 end,
            3, w.owner, now() - make_interval(days => (g % 400)), now() - make_interval(days => (g % 30))
       from generate_series(1, $1::int) g
       join gen_ws w on w.n = (g % $2::int) + 1
       cross join lateral (select ${statusCase(h)} as status,
                                  (50 + ((g::bigint * 48271) % 4950)) * 100 as amount,
                                  (case when g % 20 < 10 then 'EUR' when g % 20 < 17 then 'USD' else 'GBP' end) as currency,
                                  (case when g % 7 = 0 then null else current_date + ((g::bigint * 7919) % 360 - 180)::int end)::date as due_date) x`,
    [o.milestones, o.workspaces],
  );
  await step(
    'review timers',
    `insert into milestone_review_timers (milestone_id, account_id, workspace_id, due_at, next_reminder_at)
     select id, account_id, workspace_id, submitted_at + interval '14 days', submitted_at + interval '11 days' from milestones where status = 'submitted'`,
  );
  await step(
    'payments',
    `insert into milestone_money_events (event_id, account_id, workspace_id, milestone_id, type, amount, currency, billing_version, outcome, occurred_at)
     select gen_random_uuid(), account_id, workspace_id, id, type, amount, currency, v, 'applied', at from (
       select m.*, 'billing.milestone.funded' as type, 1 as v, m.created_at + interval '2 days' as at, 0 as k
         from milestones m where status in ('funded', 'submitted', 'changes_requested', 'approved', 'released', 'refund_requested', 'refunded', 'disputed')
       union all
       select m.*, case status when 'released' then 'billing.milestone.released' when 'refunded' then 'billing.milestone.refunded' else 'billing.milestone.disputed' end,
              2, m.updated_at, 1
         from milestones m where status in ('released', 'refunded', 'disputed')
     ) e order by k, seq limit $1::int`,
    [o.payments],
  );
  await step(
    'tasks',
    `insert into tasks (id, account_id, workspace_id, milestone_id, title, status, due_date, created_by, created_at, updated_at)
     select gen_random_uuid(), w.account_id, w.id, null, 'Task ' || g,
            (array['todo', 'in_progress', 'in_review', 'done', 'done', 'done'])[(g % 6) + 1],
            case when g % 3 = 0 then null else current_date + ((g::bigint * 104729) % 120 - 60)::int end,
            w.owner, now() - make_interval(days => (g % 200)), now() - make_interval(days => (g % 20))
       from generate_series(1, $1::int) g join gen_ws w on w.n = ((g * 31) % $2::int) + 1`,
    [tasks, o.workspaces],
  );
  await step('cleanup', `drop table gen_ws; drop table gen_accounts`);
  const t = Date.now();
  const rebuilt = await dashboardRebuild.rebuildAll(db);
  seconds['dashboards (rebuild)'] = (Date.now() - t) / 1000;
  log(
    `  dashboards (rebuild): ${seconds['dashboards (rebuild)'].toFixed(1)} s for ${rebuilt.workspaces} workspaces, ${rebuilt.accounts} accounts`,
  );
  await step('analyze', `analyze`);

  const counts: Record<string, number> = {};
  for (const table of [
    'accounts',
    'workspaces',
    'workspace_members',
    'milestones',
    'milestone_money_events',
    'milestone_review_timers',
    'tasks',
    'workspace_dashboards',
    'account_dashboards',
  ]) {
    const [{ n }] = await db.query(`select count(*)::int as n from ${table}`);
    counts[table] = n;
  }
  return { seconds, counts };
}
