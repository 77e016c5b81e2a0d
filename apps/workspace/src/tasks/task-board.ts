import { TaskStatusView } from '@fpms/contracts';

/** The board a workspace starts with; the owner can rename, reorder, add and remove columns. */
export const DEFAULT_TASK_BOARD: readonly Omit<TaskStatusView, 'position'>[] = [
  { key: 'todo', name: 'To do', category: 'todo' },
  { key: 'in_progress', name: 'In progress', category: 'in_progress' },
  { key: 'in_review', name: 'In review', category: 'in_progress' },
  { key: 'done', name: 'Done', category: 'done' },
];
