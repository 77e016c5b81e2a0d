import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { TaskStatusView, TaskView } from '@fpms/contracts';
import { Actor } from '../access/actor';
import { WorkspaceAccess, WorkspaceScope } from '../access/workspace-access';
import { ActivityLogRepository } from '../activity/activity-log.repository';
import { Clock } from '@fpms/common/scheduling/clock';
import { TaskFacts } from '../dashboard/dashboard-contributions';
import { DashboardProjectionRepository } from '../dashboard/dashboard-projection.repository';
import { TaskError } from './task.errors';
import { TaskFields, TaskRow, TasksRepository, toTaskView } from './tasks.repository';
import { idempotent } from '@fpms/database/idempotency';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { assertFeature, EntitlementsReader } from '@fpms/platform/entitlements';

const factsOf = (r: Pick<TaskRow, 'category' | 'due_date'>): TaskFacts => ({ open: r.category !== 'done', dueDate: r.due_date });

@Injectable()
export class TasksService {
  constructor(
    private readonly access: WorkspaceAccess,
    private readonly tasks: TasksRepository,
    private readonly activity: ActivityLogRepository,
    private readonly dashboards: DashboardProjectionRepository,
    @Inject(Clock) private readonly clock: Clock,
    private readonly entitlements: EntitlementsReader,
  ) {}

  listStatuses(actor: Actor, workspaceId: string): Promise<{ items: TaskStatusView[] }> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ReadTasks, async (manager, scope) => ({
      items: await this.tasks.board(manager, scope),
    }));
  }

  /**
   * Replaces the board: the plan's `customTaskStatuses` feature (without it the default
   * board stays; a board customised before a downgrade stays as it is, readable and in use).
   * A status that still holds tasks cannot be removed or change its
   * category (that would silently reopen or close its tasks); renames and reordering can.
   */
  replaceStatuses(actor: Actor, workspaceId: string, statuses: Omit<TaskStatusView, 'position'>[]): Promise<{ items: TaskStatusView[] }> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ConfigureTaskBoard, async (manager, scope) => {
      assertFeature(await this.entitlements.forAccount(manager, scope.accountId), 'customTaskStatuses');
      const before = await this.tasks.board(manager, scope);
      const next = new Map(statuses.map((s) => [s.key, s]));
      const affected = before.filter((s) => !next.has(s.key) || next.get(s.key)!.category !== s.category).map((s) => s.key);
      const inUse = affected.length ? await this.tasks.countByStatus(manager, workspaceId, affected) : new Map();
      if (inUse.size) throw TaskError.statusInUse([...inUse.keys()].sort());
      await this.tasks.replaceBoard(manager, scope, statuses);
      const after = await this.tasks.board(manager, scope);
      await this.activity.record(manager, {
        ...scope,
        actorUserId: actor.userId,
        action: 'task_board.updated',
        targetType: 'task_board',
        targetId: workspaceId,
        before: before.map(({ key, name, category }) => ({ key, name, category })),
        after: after.map(({ key, name, category }) => ({ key, name, category })),
        requestId: actor.requestId,
      });
      return { items: after };
    });
  }

  create(
    actor: Actor,
    workspaceId: string,
    input: { title: string; description?: string; milestoneId?: string; status?: string; assigneeUserId?: string; dueDate?: string },
  ): Promise<TaskView> {
    return this.access.run(
      actor,
      workspaceId,
      WorkspaceAction.ManageTasks,
      idempotent(actor, async (manager, scope) => {
        const board = await this.tasks.board(manager, scope);
        const status = input.status ?? board.find((s) => s.category === 'todo')?.key ?? board[0].key;
        await this.checkReferences(manager, scope, board, { ...input, status });
        const id = randomUUID();
        await this.tasks.insert(manager, {
          id,
          accountId: scope.accountId,
          workspaceId,
          title: input.title,
          description: input.description ?? null,
          milestoneId: input.milestoneId ?? null,
          status,
          assigneeUserId: input.assigneeUserId ?? null,
          dueDate: input.dueDate ?? null,
          createdBy: actor.userId,
          now: this.clock.now(),
        });
        const row = (await this.tasks.find(manager, workspaceId, id))!;
        await this.activity.record(manager, {
          ...scope,
          actorUserId: actor.userId,
          action: 'task.created',
          targetType: 'task',
          targetId: id,
          after: fieldsOf(row),
          requestId: actor.requestId,
        });
        await this.dashboards.taskChanged(manager, scope, null, factsOf(row));
        return toTaskView(row, this.today());
      }),
    );
  }

  list(
    actor: Actor,
    workspaceId: string,
    q: { limit: number; before?: string; status?: string; milestoneId?: string; assigneeUserId?: string; overdue?: boolean },
  ) {
    return this.access.run(actor, workspaceId, WorkspaceAction.ReadTasks, async (manager) => {
      const today = this.today();
      const { rows, nextBefore } = await this.tasks.list(manager, workspaceId, q, today);
      return { items: rows.map((r) => toTaskView(r, today)), nextBefore };
    });
  }

  get(actor: Actor, workspaceId: string, taskId: string): Promise<TaskView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ReadTasks, async (manager) =>
      toTaskView(await this.require(manager, workspaceId, taskId), this.today()),
    );
  }

  update(actor: Actor, workspaceId: string, taskId: string, changes: TaskFields & { expectedVersion?: number }): Promise<TaskView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ManageTasks, async (manager, scope) => {
      const { expectedVersion, ...fields } = changes;
      const before = await this.require(manager, workspaceId, taskId, true);
      if (expectedVersion !== undefined && expectedVersion !== before.version)
        throw TaskError.staleVersion(expectedVersion, before.version);
      const board = await this.tasks.board(manager, scope);
      await this.checkReferences(manager, scope, board, fields);
      await this.tasks.update(manager, taskId, fields, this.clock.now());
      const after = (await this.tasks.find(manager, workspaceId, taskId))!;
      const base = { ...scope, actorUserId: actor.userId, targetType: 'task', targetId: taskId, requestId: actor.requestId };
      if (after.status !== before.status) {
        await this.activity.record(manager, {
          ...base,
          action: 'task.status_changed',
          before: { status: before.status },
          after: { status: after.status },
        });
      }
      const { status: _b, ...restBefore } = fieldsOf(before);
      const { status: _a, ...restAfter } = fieldsOf(after);
      if (JSON.stringify(restBefore) !== JSON.stringify(restAfter)) {
        await this.activity.record(manager, { ...base, action: 'task.updated', before: restBefore, after: restAfter });
      }
      await this.dashboards.taskChanged(manager, scope, factsOf(before), factsOf(after));
      return toTaskView(after, this.today());
    });
  }

  remove(actor: Actor, workspaceId: string, taskId: string): Promise<{ removed: true }> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ManageTasks, async (manager, scope) => {
      const before = await this.require(manager, workspaceId, taskId, true);
      await this.tasks.remove(manager, taskId);
      await this.activity.record(manager, {
        ...scope,
        actorUserId: actor.userId,
        action: 'task.deleted',
        targetType: 'task',
        targetId: taskId,
        before: fieldsOf(before),
        requestId: actor.requestId,
      });
      await this.dashboards.taskChanged(manager, scope, factsOf(before), null);
      return { removed: true as const };
    });
  }

  private async checkReferences(manager: TenantManager, scope: WorkspaceScope, board: TaskStatusView[], f: TaskFields): Promise<void> {
    if (f.status !== undefined && !board.some((s) => s.key === f.status)) throw TaskError.unknownStatus(f.status);
    if (f.assigneeUserId && !(await this.tasks.isMember(manager, scope.workspaceId, f.assigneeUserId)))
      throw TaskError.assigneeNotMember(f.assigneeUserId);
    if (f.milestoneId && !(await this.tasks.milestoneExists(manager, scope.workspaceId, f.milestoneId)))
      throw TaskError.unknownMilestone(f.milestoneId);
  }

  private async require(manager: TenantManager, workspaceId: string, taskId: string, lock = false): Promise<TaskRow> {
    const row = await this.tasks.find(manager, workspaceId, taskId, lock);
    if (!row) throw TaskError.taskNotFound(taskId);
    return row;
  }

  private today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }
}

const fieldsOf = (r: TaskRow) => ({
  title: r.title,
  description: r.description,
  milestoneId: r.milestone_id,
  status: r.status,
  assigneeUserId: r.assignee_user_id,
  dueDate: r.due_date,
});
