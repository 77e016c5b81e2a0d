import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export class ActivityQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  /** Cursor: the `nextBefore` of the previous page. */
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'before must be a cursor returned as nextBefore' })
  before?: string;
}
