import { FIELD_LIMITS } from './field-limits';
import { Optional, PageCursor, QueryInt } from './field-decorators';

/** `?limit=&before=` keyset paging, newest first; list queries extend it with their filters. */
export class PageQuery {
  @Optional()
  @QueryInt({ min: 1, max: FIELD_LIMITS.pageLimit.max })
  limit: number = FIELD_LIMITS.pageLimit.default;

  /** Cursor: the `nextBefore` of the previous page. */
  @Optional()
  @PageCursor()
  before?: string;
}
