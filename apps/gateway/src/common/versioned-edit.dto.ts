import { IsInt, IsOptional, IsString, Length, MaxLength, Min, ValidateIf } from 'class-validator';

/**
 * The fields every editable work item (milestone, task) shares: optimistic concurrency
 * through `expectedVersion` (409 if the item moved on), a title, and a clearable description.
 */
export class VersionedEditDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string;

  /** null clears it. */
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @MaxLength(10_000)
  description?: string | null;
}
