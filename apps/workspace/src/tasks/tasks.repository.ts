import { Injectable } from '@nestjs/common';
import { TaskStatusView, TaskView, UpdateTaskBody } from '@fpms/contracts';
import { DEFAULT_TASK_BOARD } from './task-board';
import type { TenantManager } from '@fpms/database/tenant-manager';

export interface TaskRow {
  id: string;
  seq: string;
  account_id: string;
  workspace_id: string;
  milestone_id: string | null;
  title: string;
  description: string | null;
  status: string;
  category: TaskStatusView['category'];
  assignee_user_id: string | null;
  due_date: string | null;
  version: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export function toTaskView(r: TaskRow, today: string): TaskView {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    milestoneId: r.milestone_id,
    title: r.title,
    description: r.description,
    status: r.status,
    statusCategory: r.category,
    assigneeUserId: r.assignee_user_id,
    dueDate: r.due_date,
    overdue: isOverdue(r, today),
    version: r.version,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export const isOverdue = (r: Pick<TaskRow, 'due_date' | 'category'>, today: string) =>
  !!r.due_date && r.due_date < today && r.category !== 'done';

const COLUMNS = `t.id, t.seq::text, t.account_id, t.workspace_id, t.milestone_id, t.title, t.description, t.status, s.category,
  t.assignee_user_id, t.due_date::text, t.version, t.created_by, t.created_at, t.updated_at`;
const FROM = `tasks t join task_statuses s on s.workspace_id = t.workspace_id and s.key = t.status`;

/** The fields an update may change (its `expectedVersion` is checked before). */
export type TaskFields = Omit<UpdateTaskBody, 'expectedVersion'>;

/** SQL for tasks and the task board; callers hold a tenant-scoped transaction (RLS applies). */
@Injectable()
export class TasksRepository {
  /** The board, seeding the default one the first time a workspace uses tasks. */
  async board(manager: TenantManager, scope: { accountId: string; workspaceId: string }): Promise<TaskStatusView[]> {
    let rows = await this.readBoard(manager, scope.workspaceId);
    if (rows.length === 0) {
      for (const [position, s] of DEFAULT_TASK_BOARD.entries()) {
        await manager.query(
          `insert into task_statuses (workspace_id, account_id, key, name, category, position) values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
          [scope.workspaceId, scope.accountId, s.key, s.name, s.category, position],
        );
      }
      rows = await this.readBoard(manager, scope.workspaceId);
    }
    return rows;
  }

  private readBoard(manager: TenantManager, workspaceId: string): Promise<TaskStatusView[]> {
    return manager.query(`select key, name, category, position from task_statuses where workspace_id = $1 order by position, key`, [
      workspaceId,
    ]);
  }

  /** Tasks per status key, for the statuses given. */
  async countByStatus(manager: TenantManager, workspaceId: string, keys: string[]): Promise<Map<string, number>> {
    const rows: Array<{ status: string; n: number }> = await manager.query(
      `select status, count(*)::int as n from tasks where workspace_id = $1 and status = any($2::text[]) group by status`,
      [workspaceId, keys],
    );
    return new Map(rows.map((r) => [r.status, r.n]));
  }

  async replaceBoard(
    manager: TenantManager,
    scope: { accountId: string; workspaceId: string },
    statuses: Omit<TaskStatusView, 'position'>[],
  ): Promise<void> {
    await manager.query(`delete from task_statuses where workspace_id = $1 and not (key = any($2::text[]))`, [
      scope.workspaceId,
      statuses.map((s) => s.key),
    ]);
    for (const [position, s] of statuses.entries()) {
      await manager.query(
        `insert into task_statuses (workspace_id, account_id, key, name, category, position) values ($1, $2, $3, $4, $5, $6)
         on conflict (workspace_id, key) do update set name = excluded.name, category = excluded.category, position = excluded.position`,
        [scope.workspaceId, scope.accountId, s.key, s.name, s.category, position],
      );
    }
  }

  async insert(
    manager: TenantManager,
    t: {
      id: string;
      accountId: string;
      workspaceId: string;
      title: string;
      description: string | null;
      milestoneId: string | null;
      status: string;
      assigneeUserId: string | null;
      dueDate: string | null;
      createdBy: string;
      now: Date;
    },
  ): Promise<void> {
    await manager.query(
      `insert into tasks (id, account_id, workspace_id, milestone_id, title, description, status, assignee_user_id, due_date, created_by, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
      [t.id, t.accountId, t.workspaceId, t.milestoneId, t.title, t.description, t.status, t.assigneeUserId, t.dueDate, t.createdBy, t.now],
    );
  }

  async find(manager: TenantManager, workspaceId: string, taskId: string, lock = false): Promise<TaskRow | null> {
    const [row] = await manager.query(
      `select ${COLUMNS} from ${FROM} where t.workspace_id = $1 and t.id = $2 ${lock ? 'for update of t' : ''}`,
      [workspaceId, taskId],
    );
    return row ?? null;
  }

  async list(
    manager: TenantManager,
    workspaceId: string,
    q: { limit: number; before?: string; status?: string; milestoneId?: string; assigneeUserId?: string; overdue?: boolean },
    today: string,
  ): Promise<{ rows: TaskRow[]; nextBefore: string | null }> {
    const rows: TaskRow[] = await manager.query(
      `select ${COLUMNS} from ${FROM}
        where t.workspace_id = $1 and ($2::bigint is null or t.seq < $2::bigint)
          and ($3::text is null or t.status = $3) and ($4::uuid is null or t.milestone_id = $4) and ($5::uuid is null or t.assignee_user_id = $5)
          and ($6::boolean is null or $6 = (t.due_date is not null and t.due_date < $7::date and s.category <> 'done'))
        order by t.seq desc limit $8`,
      [
        workspaceId,
        q.before ?? null,
        q.status ?? null,
        q.milestoneId ?? null,
        q.assigneeUserId ?? null,
        q.overdue ?? null,
        today,
        q.limit + 1,
      ],
    );
    const page = rows.slice(0, q.limit);
    return { rows: page, nextBefore: rows.length > q.limit ? page[page.length - 1].seq : null };
  }

  async update(manager: TenantManager, taskId: string, f: TaskFields, now: Date): Promise<void> {
    await manager.query(
      `update tasks set
         title = coalesce($2, title),
         description = case when $3::boolean then $4 else description end,
         milestone_id = case when $5::boolean then $6::uuid else milestone_id end,
         status = coalesce($7, status),
         assignee_user_id = case when $8::boolean then $9::uuid else assignee_user_id end,
         due_date = case when $10::boolean then $11::date else due_date end,
         version = version + 1, updated_at = $12
       where id = $1`,
      [
        taskId,
        f.title ?? null,
        f.description !== undefined,
        f.description ?? null,
        f.milestoneId !== undefined,
        f.milestoneId ?? null,
        f.status ?? null,
        f.assigneeUserId !== undefined,
        f.assigneeUserId ?? null,
        f.dueDate !== undefined,
        f.dueDate ?? null,
        now,
      ],
    );
  }

  async remove(manager: TenantManager, taskId: string): Promise<void> {
    await manager.query(`delete from tasks where id = $1`, [taskId]);
  }

  async isMember(manager: TenantManager, workspaceId: string, userId: string): Promise<boolean> {
    const [row] = await manager.query(`select 1 from workspace_members where workspace_id = $1 and user_id = $2`, [workspaceId, userId]);
    return !!row;
  }

  async milestoneExists(manager: TenantManager, workspaceId: string, milestoneId: string): Promise<boolean> {
    const [row] = await manager.query(`select 1 from milestones where workspace_id = $1 and id = $2`, [workspaceId, milestoneId]);
    return !!row;
  }
}
