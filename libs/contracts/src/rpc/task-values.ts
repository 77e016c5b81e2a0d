/** What a board column means, whatever the workspace calls it: `done` tasks are never overdue. */
export const TASK_STATUS_CATEGORY_VALUES = ['todo', 'in_progress', 'done'] as const;
export type TaskStatusCategory = (typeof TASK_STATUS_CATEGORY_VALUES)[number];
