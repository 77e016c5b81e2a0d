import { Transform, Type } from 'class-transformer';
import { PageQueryDto } from '../../common/page-query.dto';
import { VersionedEditDto } from '../../common/versioned-edit.dto';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { TASK_STATUS_CATEGORY_VALUES } from '@fpms/contracts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const KEY = /^[a-z][a-z0-9_]{0,39}$/;
const KEY_MESSAGE = 'status must be a board key: lower-case letters, digits, underscores';

export class CreateTaskDto {
  @IsString()
  @Length(1, 200)
  title: string;

  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string;

  @IsOptional()
  @IsUUID('all')
  milestoneId?: string;

  @IsOptional()
  @Matches(KEY, { message: KEY_MESSAGE })
  status?: string;

  @IsOptional()
  @IsUUID('all')
  assigneeUserId?: string;

  @IsOptional()
  @Matches(DATE, { message: 'dueDate must be a date, YYYY-MM-DD' })
  dueDate?: string;
}

export class UpdateTaskDto extends VersionedEditDto {
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsUUID('all')
  milestoneId?: string | null;

  @IsOptional()
  @Matches(KEY, { message: KEY_MESSAGE })
  status?: string;

  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsUUID('all')
  assigneeUserId?: string | null;

  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Matches(DATE, { message: 'dueDate must be a date, YYYY-MM-DD' })
  dueDate?: string | null;
}

export class ListTasksQueryDto extends PageQueryDto {
  @IsOptional()
  @Matches(KEY, { message: KEY_MESSAGE })
  status?: string;

  @IsOptional()
  @IsUUID('all')
  milestoneId?: string;

  @IsOptional()
  @IsUUID('all')
  assigneeUserId?: string;

  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'overdue must be true or false' })
  overdue?: boolean;
}

export class TaskStatusDto {
  @Matches(KEY, { message: 'key must be lower-case letters, digits, underscores' })
  key: string;

  @IsString()
  @Length(1, 60)
  name: string;

  @IsIn(TASK_STATUS_CATEGORY_VALUES)
  category: (typeof TASK_STATUS_CATEGORY_VALUES)[number];
}

export class ReplaceTaskStatusesDto {
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => TaskStatusDto)
  statuses: TaskStatusDto[];
}
