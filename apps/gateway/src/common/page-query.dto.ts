import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** `?limit=&before=` keyset paging, newest first; list queries extend it with their filters. */
export class PageQueryDto {
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
