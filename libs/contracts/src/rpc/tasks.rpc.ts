import { Addressed, NoFields, WorkspaceRef } from '../requests/addressed';
import { CreateTaskRequest, ListTasksRequest, ReplaceTaskStatusesRequest, UpdateTaskRequest } from '../requests/tasks.requests';
import { TASK_STATUS_CATEGORY_VALUES } from './task-values';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('workspace');

export * from './task-values';

export interface TaskStatusView {
  key: string;
  name: string;
  category: (typeof TASK_STATUS_CATEGORY_VALUES)[number];
  position: number;
}

export interface TaskView {
  id: string;
  workspaceId: string;
  milestoneId: string | null;
  title: string;
  description: string | null;
  status: string;
  statusCategory: (typeof TASK_STATUS_CATEGORY_VALUES)[number];
  assigneeUserId: string | null;
  dueDate: string | null;
  overdue: boolean;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

const TaskRef = Addressed(NoFields, 'workspaceId', 'taskId');

export const TasksRpc = {
  listStatuses: rpcPattern<{ items: TaskStatusView[] }>()(queue, 'workspace.tasks.statuses.list', WorkspaceRef),
  replaceStatuses: rpcPattern<{ items: TaskStatusView[] }>()(queue, 'workspace.tasks.statuses.replace', ReplaceTaskStatusesRequest),
  create: rpcPattern<TaskView>()(queue, 'workspace.tasks.create', CreateTaskRequest),
  list: rpcPattern<{ items: TaskView[]; nextBefore: string | null }>()(queue, 'workspace.tasks.list', ListTasksRequest),
  get: rpcPattern<TaskView>()(queue, 'workspace.tasks.get', TaskRef),
  update: rpcPattern<TaskView>()(queue, 'workspace.tasks.update', UpdateTaskRequest),
  remove: rpcPattern<{ removed: true }>()(queue, 'workspace.tasks.remove', TaskRef),
} as const;
