import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, Matches, ValidateNested } from 'class-validator';
import { TASK_STATUS_CATEGORY_VALUES, type TaskStatusCategory } from '../rpc/task-values';
import { Addressed } from './addressed';
import { FIELD_LIMITS } from './field-limits';
import { CalendarDate, EntityId, OneOf, Optional, OptionalNullable, QueryBoolean, SomeElement, Text, UniqueBy } from './field-decorators';
import { PageQuery } from './paging';
import { VersionedEdit } from './versioned-edit';

/** A board column's key: lower-case letters, digits and underscores, starting with a letter. */
const StatusKey = () =>
  Matches(new RegExp(`^[a-z][a-z0-9_]{0,${FIELD_LIMITS.taskStatusKeyMaxLength - 1}}$`), {
    message: `$property must be a board key: lower-case letters, digits, underscores (at most ${FIELD_LIMITS.taskStatusKeyMaxLength})`,
  });

export class CreateTaskBody {
  @Text(FIELD_LIMITS.titleLength)
  title!: string;

  @Optional()
  @Text({ max: FIELD_LIMITS.descriptionMaxLength })
  description?: string;

  @Optional()
  @EntityId()
  milestoneId?: string;

  /** A board key; the board's first `todo` column by default. */
  @Optional()
  @StatusKey()
  status?: string;

  @Optional()
  @EntityId()
  assigneeUserId?: string;

  @Optional()
  @CalendarDate()
  dueDate?: string;
}

export class UpdateTaskBody extends VersionedEdit {
  /** null detaches the task from its milestone. */
  @OptionalNullable()
  @EntityId()
  milestoneId?: string | null;

  @Optional()
  @StatusKey()
  status?: string;

  @OptionalNullable()
  @EntityId()
  assigneeUserId?: string | null;

  @OptionalNullable()
  @CalendarDate()
  dueDate?: string | null;
}

export class ListTasksQuery extends PageQuery {
  @Optional()
  @StatusKey()
  status?: string;

  @Optional()
  @EntityId()
  milestoneId?: string;

  @Optional()
  @EntityId()
  assigneeUserId?: string;

  @Optional()
  @QueryBoolean()
  overdue?: boolean;
}

export class TaskStatusInput {
  @StatusKey()
  key!: string;

  @Text(FIELD_LIMITS.taskStatusNameLength)
  name!: string;

  @OneOf(TASK_STATUS_CATEGORY_VALUES)
  category!: TaskStatusCategory;
}

export class ReplaceTaskStatusesBody {
  @IsArray()
  @ArrayMinSize(FIELD_LIMITS.taskStatusCount.min)
  @ArrayMaxSize(FIELD_LIMITS.taskStatusCount.max)
  @ValidateNested({ each: true })
  @Type(() => TaskStatusInput)
  @UniqueBy('key', 'status keys must be unique')
  @SomeElement((status) => status.category === 'done', 'the board needs at least one done status')
  statuses!: TaskStatusInput[];
}

export class CreateTaskRequest extends Addressed(CreateTaskBody, 'workspaceId') {}
export class UpdateTaskRequest extends Addressed(UpdateTaskBody, 'workspaceId', 'taskId') {}
export class ListTasksRequest extends Addressed(ListTasksQuery, 'workspaceId') {}
export class ReplaceTaskStatusesRequest extends Addressed(ReplaceTaskStatusesBody, 'workspaceId') {}
