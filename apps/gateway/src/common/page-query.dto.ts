import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';

const BIGINT_MAX = 9223372036854775807n;

@ValidatorConstraint({ name: 'fitsBigint' })
class FitsBigint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && /^\d{1,19}$/.test(value) && BigInt(value) <= BIGINT_MAX;
  }
}

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
  // 19 digits can exceed PostgreSQL's bigint (the query would fail with a 500).
  @Validate(FitsBigint, { message: 'before must be a cursor returned as nextBefore' })
  before?: string;
}
