import { z } from 'zod';
import { dateSchema } from './milestones.rpc';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('workspace');

/** What a board column means, whatever the workspace calls it: `done` tasks are never overdue. */
export const TASK_STATUS_CATEGORY_VALUES = ['todo', 'in_progress', 'done'] as const;

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

const workspaceId = z.uuid();
const taskId = z.uuid();
const statusKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case key: letters, digits, underscores (max 40)');
const title = z.string().trim().min(1).max(200);
const description = z.string().trim().max(10_000);

export const TasksRpc = {
  listStatuses: rpcPattern<{ items: TaskStatusView[] }>()(queue, 'workspace.tasks.statuses.list', z.object({ workspaceId })),
  replaceStatuses: rpcPattern<{ items: TaskStatusView[] }>()(
    queue,
    'workspace.tasks.statuses.replace',
    z.object({
      workspaceId,
      statuses: z
        .array(z.object({ key: statusKey, name: z.string().trim().min(1).max(60), category: z.enum(TASK_STATUS_CATEGORY_VALUES) }))
        .min(2)
        .max(20)
        .refine((s) => new Set(s.map((x) => x.key)).size === s.length, 'status keys must be unique')
        .refine((s) => s.some((x) => x.category === 'done'), 'the board needs at least one done status'),
    }),
  ),
  create: rpcPattern<TaskView>()(
    queue,
    'workspace.tasks.create',
    z.object({
      workspaceId,
      title,
      description: description.optional(),
      milestoneId: z.uuid().optional(),
      status: statusKey.optional(),
      assigneeUserId: z.uuid().optional(),
      dueDate: dateSchema.optional(),
    }),
  ),
  list: rpcPattern<{ items: TaskView[]; nextBefore: string | null }>()(
    queue,
    'workspace.tasks.list',
    z.object({
      workspaceId,
      status: statusKey.optional(),
      milestoneId: z.uuid().optional(),
      assigneeUserId: z.uuid().optional(),
      overdue: z.boolean().optional(),
      limit: z.number().int().min(1).max(200).default(50),
      before: z
        .string()
        .regex(/^\d{1,19}$/)
        .optional(),
    }),
  ),
  get: rpcPattern<TaskView>()(queue, 'workspace.tasks.get', z.object({ workspaceId, taskId })),
  update: rpcPattern<TaskView>()(
    queue,
    'workspace.tasks.update',
    z.object({
      workspaceId,
      taskId,
      expectedVersion: z.number().int().positive().optional(),
      title: title.optional(),
      description: description.nullable().optional(),
      milestoneId: z.uuid().nullable().optional(),
      status: statusKey.optional(),
      assigneeUserId: z.uuid().nullable().optional(),
      dueDate: dateSchema.nullable().optional(),
    }),
  ),
  remove: rpcPattern<{ removed: true }>()(queue, 'workspace.tasks.remove', z.object({ workspaceId, taskId })),
} as const;
