import { AppError } from '@fpms/common/errors/app-error';
import { TaskErrorCode } from '@fpms/contracts/errors/tasks.errors';

export class TaskError extends AppError<TaskErrorCode> {
  static taskNotFound(taskId: string) {
    return new TaskError(404, TaskErrorCode.TaskNotFound, 'Task not found', { taskId });
  }
  static unknownStatus(status: string) {
    return new TaskError(400, TaskErrorCode.UnknownStatus, `"${status}" is not a status on this workspace's board`, { status });
  }
  static assigneeNotMember(userId: string) {
    return new TaskError(400, TaskErrorCode.AssigneeNotMember, 'The assignee must be a member of the workspace', { userId });
  }
  static unknownMilestone(milestoneId: string) {
    return new TaskError(400, TaskErrorCode.UnknownMilestone, 'No such milestone in this workspace', { milestoneId });
  }
  static statusInUse(keys: string[]) {
    return new TaskError(
      409,
      TaskErrorCode.StatusInUse,
      `Statuses still holding tasks cannot be removed or change category: ${keys.join(', ')}`,
      { keys },
    );
  }
  static staleVersion(expected: number, actual: number) {
    return new TaskError(409, TaskErrorCode.StaleVersion, 'The task changed since you read it', { expected, actual });
  }
}
