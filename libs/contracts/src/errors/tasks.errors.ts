/** Error codes of tasks and the task board (workspace). */
export enum TaskErrorCode {
  TaskNotFound = 'task_not_found',
  UnknownStatus = 'unknown_task_status',
  AssigneeNotMember = 'assignee_not_member',
  UnknownMilestone = 'unknown_milestone',
  StatusInUse = 'task_status_in_use',
  StaleVersion = 'task_version_conflict',
}
